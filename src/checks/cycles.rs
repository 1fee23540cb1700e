//! `dependency-cycle`'s search: the cycles of the `depends_on` graph,
//! one per strongly connected component, printed the same way every run.

use crate::fast_hash::HashMap;
use std::collections::{BTreeMap, BTreeSet};

/// Elementary cycles, one per strongly connected component, each rotated
/// to start at its smallest id so output is deterministic.
pub(super) fn cycles<'a>(graph: &BTreeMap<&'a str, Vec<(&'a str, usize)>>) -> Vec<Vec<&'a str>> {
    // Tarjan's SCC, iterative to stay safe on long chains.
    let nodes: Vec<&str> = {
        let mut s: BTreeSet<&str> = graph.keys().copied().collect();
        for targets in graph.values() {
            s.extend(targets.iter().map(|(t, _)| *t));
        }
        s.into_iter().collect()
    };
    let pos: HashMap<&str, usize> = nodes.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let succ: Vec<Vec<usize>> = nodes
        .iter()
        .map(|n| {
            graph
                .get(n)
                .map_or(Vec::new(), |ts| ts.iter().map(|(t, _)| pos[t]).collect())
        })
        .collect();
    let n = nodes.len();
    let (mut index, mut low, mut on_stack) = (vec![usize::MAX; n], vec![0; n], vec![false; n]);
    let (mut stack, mut comps, mut next) = (Vec::new(), Vec::new(), 0);
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some((v, i)) = work.pop() {
            if i == 0 {
                index[v] = next;
                low[v] = next;
                next += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if i < succ[v].len() {
                work.push((v, i + 1));
                let w = succ[v][i];
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            if low[v] == index[v] {
                let mut comp = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp.push(w);
                    if w == v {
                        break;
                    }
                }
                comps.push(comp);
            }
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
        }
    }
    let mut out = Vec::new();
    for comp in comps.into_iter().filter(|c| c.len() > 1) {
        let members: BTreeSet<usize> = comp.iter().copied().collect();
        let start = *members
            .iter()
            .min_by_key(|i| nodes[**i])
            .expect("non-empty");
        if let Some(path) = shortest_cycle(start, &members, &succ, &nodes) {
            out.push(path.into_iter().map(|i| nodes[i]).collect());
        }
    }
    out.sort();
    out
}

/// The shortest path from `start` back to itself inside one strongly
/// connected component (BFS, successors in name order so the cycle
/// printed is stable).
fn shortest_cycle(
    start: usize,
    members: &BTreeSet<usize>,
    succ: &[Vec<usize>],
    nodes: &[&str],
) -> Option<Vec<usize>> {
    let mut prev: HashMap<usize, usize> = HashMap::default();
    let mut queue = std::collections::VecDeque::from([start]);
    let mut end = None;
    'bfs: while let Some(v) = queue.pop_front() {
        let mut next_nodes: Vec<usize> = succ[v]
            .iter()
            .copied()
            .filter(|w| members.contains(w))
            .collect();
        next_nodes.sort_by_key(|w| nodes[*w]);
        for w in next_nodes {
            if w == start {
                end = Some(v);
                break 'bfs;
            }
            if let std::collections::hash_map::Entry::Vacant(slot) = prev.entry(w) {
                slot.insert(v);
                queue.push_back(w);
            }
        }
    }
    let mut v = end?;
    let mut path = vec![v];
    while v != start {
        v = prev[&v];
        path.push(v);
    }
    path.reverse();
    Some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_cycle_once() {
        let mut g: BTreeMap<&str, Vec<(&str, usize)>> = BTreeMap::new();
        g.insert("c.b", vec![("c.a", 0)]);
        g.insert("c.a", vec![("c.b", 0)]);
        g.insert("c.x", vec![("c.a", 0)]);
        assert_eq!(cycles(&g), vec![vec!["c.a", "c.b"]]);
    }
}
