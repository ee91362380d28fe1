//! The envelopes of the FHIR API: a search result (`Bundle` of type
//! `searchset`) and an error (`OperationOutcome`).

use serde_json::{json, Value};

/// A search result: `entries` are the matching resources of this page,
/// `total` the number of matches over all pages. Each entry's `fullUrl` is
/// `{base_url}/{resourceType}/{id}`; `next_link`, when there are more pages.
pub fn search_bundle(
    base_url: &str,
    entries: Vec<Value>,
    total: usize,
    self_link: &str,
    next_link: Option<&str>,
) -> Value {
    let base = base_url.trim_end_matches('/');
    let entry: Vec<Value> = entries
        .into_iter()
        .map(|resource| {
            let full_url = format!(
                "{base}/{}/{}",
                resource["resourceType"].as_str().unwrap_or_default(),
                resource["id"].as_str().unwrap_or_default()
            );
            json!({ "fullUrl": full_url, "resource": resource, "search": { "mode": "match" } })
        })
        .collect();
    let mut link = vec![json!({ "relation": "self", "url": self_link })];
    if let Some(next) = next_link {
        link.push(json!({ "relation": "next", "url": next }));
    }
    let mut bundle = json!({ "resourceType": "Bundle", "type": "searchset", "total": total, "link": link });
    // An empty array is not allowed in FHIR JSON: no matches means no `entry`.
    if !entry.is_empty() {
        bundle["entry"] = Value::Array(entry);
    }
    bundle
}

/// `OperationOutcome.issue.severity` (R4 IssueSeverity).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IssueSeverity {
    Fatal,
    Error,
    Warning,
    Information,
}

impl IssueSeverity {
    pub fn code(self) -> &'static str {
        match self {
            Self::Fatal => "fatal",
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Information => "information",
        }
    }
}

/// `OperationOutcome.issue.code` (R4 IssueType): the codes an API answer
/// needs, each matching an HTTP status the web layer returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IssueType {
    /// 400: a malformed request or search parameter.
    Invalid,
    /// 400: a search parameter with a value we do not know.
    Value,
    /// 401: no or an unknown token.
    Login,
    /// 403: the token may not see this.
    Forbidden,
    /// 404: no such resource.
    NotFound,
    /// 400/405: a search parameter or interaction we do not support.
    NotSupported,
    /// 429.
    Throttled,
    /// 500: our fault.
    Exception,
}

impl IssueType {
    pub fn code(self) -> &'static str {
        match self {
            Self::Invalid => "invalid",
            Self::Value => "value",
            Self::Login => "login",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not-found",
            Self::NotSupported => "not-supported",
            Self::Throttled => "throttled",
            Self::Exception => "exception",
        }
    }
}

/// An OperationOutcome with one issue; `diagnostics` is shown to people,
/// so write it in Dutch.
pub fn operation_outcome(severity: IssueSeverity, code: IssueType, diagnostics: &str) -> Value {
    json!({
        "resourceType": "OperationOutcome",
        "issue": [{ "severity": severity.code(), "code": code.code(), "diagnostics": diagnostics }],
    })
}
