//! `validate --format sarif`: the problems as a SARIF 2.1.0 log, the format
//! GitHub code scanning and other CI dashboards import. One rule per check
//! slug, with `explain`'s text as its help; results point at regions.

use crate::check::Check;
use crate::diagnostics::{Problem, Severity};
use serde_json::{Value, json};

/// The schema the log declares (the SARIF 2.1.0 schema's published address).
const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The whole log: one run of reuse-surface with every check as a rule.
pub fn log(problems: &[Problem]) -> Value {
    let rules: Vec<Value> = Check::ALL.iter().map(|c| rule(*c)).collect();
    let results: Vec<Value> = problems.iter().map(result).collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "reuse-surface",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": rules,
            }},
            "results": results,
        }],
    })
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// A check as a SARIF rule: its summary, and `explain`'s text as help.
fn rule(check: Check) -> Value {
    let help = crate::check::explain(check);
    json!({
        "id": check.slug(),
        "shortDescription": {"text": check.summary()},
        "help": {"text": help, "markdown": help},
        "defaultConfiguration": {"level": level(check.default_severity())},
        "properties": {"fixable": check.fixable()},
    })
}

/// One problem as a result; the region is what the text output underlines.
fn result(p: &Problem) -> Value {
    let mut text = p.message.clone();
    if let Some(fix) = &p.fix {
        text.push_str(&format!("\nhelp: {fix}"));
    }
    let mut result = json!({
        "ruleId": p.check.slug(),
        "ruleIndex": Check::ALL.iter().position(|c| *c == p.check).unwrap_or(0),
        "level": level(p.severity),
        "message": {"text": text},
    });
    if let Some(file) = &p.file {
        let mut location = json!({"artifactLocation": {"uri": file}});
        if let Some(line) = p.line {
            let mut region = json!({"startLine": line});
            let fields = [
                ("startColumn", p.column),
                ("endLine", p.end_line),
                ("endColumn", p.end_column),
            ];
            for (key, value) in fields {
                if let Some(n) = value {
                    region[key] = json!(n);
                }
            }
            location["region"] = region;
        }
        result["locations"] = json!([{"physicalLocation": location}]);
    }
    if let Some(id) = &p.capability_id {
        result["properties"] = json!({"capability_id": id});
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_check_is_a_rule_and_results_point_at_theirs() {
        let p = Problem::new(Check::StaleIndexDate, "old")
            .file("registry/indexes/capabilities.yaml")
            .at(Some(2), Some(10));
        let log = log(&[p]);
        let run = &log["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        assert_eq!(rules.len(), Check::ALL.len());
        let result = &run["results"][0];
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], "stale-index-date");
        assert_eq!(result["level"], "warning");
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert_eq!(region, &json!({"startLine": 2, "startColumn": 10}));
        assert!(
            rules[index]["help"]["text"]
                .as_str()
                .unwrap()
                .contains("How to fix")
        );
    }
}
