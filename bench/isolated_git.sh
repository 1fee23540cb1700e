# Sourced by the benchmarks that drive git: isolate git from the machine's
# and the caller's configuration, with HOME under the benchmark's $work.
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_PREFIX GIT_OBJECT_DIRECTORY GIT_COMMON_DIR \
	REUSE_SURFACE_SKIP REUSE_SURFACE_BIN REUSE_SURFACE_CACHE XDG_CONFIG_HOME
export HOME=$work/home GIT_CONFIG_NOSYSTEM=1 NO_COLOR=1 LC_ALL=C
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.invalid
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.invalid
mkdir -p "$HOME"
# No automatic gc or maintenance in the middle of a timed run.
git config --global gc.auto 0
git config --global maintenance.auto false
git config --global init.defaultBranch main
