//! Asking the bridge about many capabilities at once: each request mostly
//! waits on the model, so a few in flight cut a session's wall time without
//! any async runtime.

use super::{Bridge, LlmError, Request};
use serde_json::Value;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Run `requests` at most `jobs` at a time (0 is treated as 1) on scoped
/// threads. Results come back in the order of `requests`; `on_done` is
/// called once per finished request, from the worker threads, so the
/// caller can tick a progress bar.
pub fn propose_all(
    bridge: &Bridge,
    requests: &[Request],
    jobs: usize,
    on_done: &(dyn Fn() + Sync),
) -> Vec<Result<Value, LlmError>> {
    let slots: Vec<Mutex<Option<Result<Value, LlmError>>>> =
        requests.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let workers = jobs.max(1).min(requests.len());
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(|| {
                    // Each worker takes the next unclaimed request until none is left.
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(req) = requests.get(i) else { break };
                        let result = bridge.propose(req);
                        *slots[i].lock().unwrap_or_else(|p| p.into_inner()) = Some(result);
                        on_done();
                    }
                })
            })
            .collect();
        // Joined by hand so a worker's panic (a bug) is not re-raised here:
        // its unfinished request is reported as an error below instead.
        for handle in handles {
            let _ = handle.join();
        }
    });
    slots
        .into_iter()
        .zip(requests)
        .map(|(slot, req)| {
            // Only a worker that panicked leaves a slot empty.
            slot.into_inner()
                .unwrap_or_else(|p| p.into_inner())
                .unwrap_or_else(|| {
                    Err(LlmError {
                        capability_id: Some(req.capability_id.clone()),
                        message: "internal error: the request did not complete".to_string(),
                    })
                })
        })
        .collect()
}
