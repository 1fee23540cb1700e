//! The git hooks (SPEC §5.1): `pre-commit` gates and patches what is
//! staged, `pre-push` gates what is pushed, `post-merge` re-derives the
//! index after a merge or pull, `post-rewrite` checks the commits a
//! rebase wrote without `pre-commit`; on a server, `pre-receive` and `update`
//! gate what is pushed to a bare repository. The shims in `hooks/` call these through
//! `reuse-surface hook NAME`.

mod agent_stop;
mod post_merge;
mod post_rewrite;
mod pre_commit;
mod pre_push;
mod pre_receive;

pub use agent_stop::agent_stop;
pub use post_merge::post_merge;
pub use post_rewrite::post_rewrite;
pub use pre_commit::pre_commit;
pub use pre_push::pre_push;
pub use pre_receive::{Received, parse_received, parse_update_args, pre_receive};

/// Whether `REUSE_SURFACE_SKIP` names this hook (`1`, `all`, or a comma
/// list). The shims check this before starting the binary; the binary
/// checks again for direct calls.
pub fn skipped(hook: &str) -> bool {
    let Ok(value) = std::env::var("REUSE_SURFACE_SKIP") else {
        return false;
    };
    value
        .split([',', ' '])
        .map(str::trim)
        .any(|v| v == "1" || v == "all" || v == hook)
}
