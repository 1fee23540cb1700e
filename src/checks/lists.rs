//! `duplicate-item`: the entry lists that are sets (SPEC §2.2: evidence
//! and surface paths, aliases, relations, artifacts) name each item once.
//! A repeat means nothing more than the first, and it is what a careless
//! append leaves behind.

use crate::check::Check;
use crate::diagnostics::Problem;
use crate::model::Entry;
use crate::yaml::Seg;
use std::collections::HashSet;

/// One `duplicate-item` per repeated item, at the repeat. Runs over every
/// entry on every run (the hook included), so a list is searched without
/// allocating anything; names and paths are built only for a repeat.
pub(super) fn duplicate_items(path: &str, e: &Entry, out: &mut Vec<Problem>) {
    let mut report = |list: &[String], what: &dyn Fn() -> (String, Vec<Seg>)| {
        for i in repeats(list) {
            let (name, mut node) = what();
            node.push(Seg::Index(i));
            out.push(
                Problem::new(
                    Check::DuplicateItem,
                    format!("`{name}` lists `{}` more than once", list[i]),
                )
                .file(path)
                .node(node)
                .capability(&e.id)
                .fix("remove the repeated item: the list is a set"),
            );
        }
    };
    report(&e.aliases, &|| {
        ("aliases".into(), vec![Seg::key("aliases")])
    });
    report(&e.surface, &|| {
        ("surface".into(), vec![Seg::key("surface")])
    });
    report(&e.availability.current_artifacts, &|| {
        (
            "availability.current_artifacts".into(),
            vec![Seg::key("availability"), Seg::key("current_artifacts")],
        )
    });
    for (kind, list) in &e.evidence {
        report(list, &|| {
            (
                format!("evidence.{kind}"),
                vec![Seg::key("evidence"), Seg::key(kind)],
            )
        });
    }
    for (kind, list) in [
        ("depends_on", &e.relations.depends_on),
        ("extends", &e.relations.extends),
        ("overlaps", &e.relations.overlaps),
        ("supersedes", &e.relations.supersedes),
    ] {
        report(list, &|| {
            (
                format!("relations.{kind}"),
                vec![Seg::key("relations"), Seg::key(kind)],
            )
        });
    }
    for (j, promo) in e.promotion_history.iter().enumerate() {
        report(&promo.evidence, &|| {
            (
                format!("promotion_history[{j}].evidence"),
                vec![
                    Seg::key("promotion_history"),
                    Seg::Index(j),
                    Seg::key("evidence"),
                ],
            )
        });
    }
}

/// The positions of the items that repeat an earlier one. Lists are short:
/// compared pairwise up to a few dozen items, hashed beyond.
fn repeats(list: &[String]) -> Vec<usize> {
    if list.len() <= 32 {
        return (1..list.len())
            .filter(|&i| list[..i].contains(&list[i]))
            .collect();
    }
    let mut seen = HashSet::new();
    (0..list.len())
        .filter(|&i| !seen.insert(list[i].as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::repeats;

    #[test]
    fn repeats_are_found_in_short_and_long_lists_alike() {
        let short: Vec<String> = ["a", "b", "a", "c", "b", "a"].map(String::from).to_vec();
        assert_eq!(repeats(&short), [2, 4, 5]);
        let mut long: Vec<String> = (0..40).map(|i| format!("p{i}")).collect();
        long.push("p3".into());
        long.push("p39".into());
        assert_eq!(repeats(&long), [40, 41]);
        assert!(repeats(&[]).is_empty());
    }
}
