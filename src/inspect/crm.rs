//! What CRM exports usually call things: the headers HubSpot, Salesforce and Marketo write for
//! the fields a scoring model reads, their id and outcome columns, and the values that mean
//! "unknown". Used to recognise an export and to suggest a column for a field the model names
//! differently.

use crate::leads::normalize_name;

/// A CRM whose exports we recognise by their headers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Crm {
    HubSpot,
    Salesforce,
    Marketo,
}

impl Crm {
    pub fn label(self) -> &'static str {
        match self {
            Crm::HubSpot => "HubSpot",
            Crm::Salesforce => "Salesforce",
            Crm::Marketo => "Marketo",
        }
    }

    /// Headers (normalized) found only, or mostly, in this CRM's exports.
    fn signature(self) -> &'static [&'static str] {
        // Headers generic exports share ("Lead ID", "Annual Revenue", "Lead Source") are left
        // out: they would make any file look like one CRM's.
        match self {
            Crm::HubSpot => &[
                "recordid",
                "lifecyclestage",
                "createdate",
                "countryregion",
                "originalsource",
                "hubspotscore",
                "associatedcompany",
                "contactowner",
                "lastactivitydate",
            ],
            Crm::Salesforce => &[
                "isconverted",
                "leadowner",
                "rating",
                "converteddate",
                "convertedaccountid",
                "ownerid",
                "leadsourcedetail",
                "numberofemployees",
            ],
            Crm::Marketo => &[
                "personstatus",
                "leadscore",
                "behaviorscore",
                "demographicscore",
                "acquisitionprogram",
                "personsource",
                "markettoid",
            ],
        }
    }
}

/// The CRM whose signature headers the file has most of (at least two), if any.
pub fn recognise(headers: &[String]) -> Option<Crm> {
    let keys: Vec<String> = headers.iter().map(|h| normalize_name(h)).collect();
    [Crm::HubSpot, Crm::Salesforce, Crm::Marketo]
        .into_iter()
        .map(|crm| {
            let hits = crm
                .signature()
                .iter()
                .filter(|s| keys.iter().any(|k| k == *s))
                .count();
            (crm, hits)
        })
        .filter(|&(_, hits)| hits >= 2)
        .max_by_key(|&(_, hits)| hits)
        .map(|(crm, _)| crm)
}

/// Headers (normalized) that CRM exports use for a field a model usually names as the key.
const FIELD_HEADERS: &[(&str, &[&str])] = &[
    (
        "jobtitle",
        &["jobtitle", "title", "position", "jobrole", "role"],
    ),
    (
        "company",
        &[
            "company",
            "companyname",
            "accountname",
            "organization",
            "associatedcompany",
        ],
    ),
    (
        "industry",
        &["industry", "companyindustry", "sector", "vertical"],
    ),
    (
        "employees",
        &[
            "numberofemployees",
            "noofemployees",
            "employees",
            "companysize",
            "headcount",
            "employeecount",
        ],
    ),
    (
        "annualrevenue",
        &[
            "annualrevenue",
            "revenue",
            "companyrevenue",
            "annualrevenueusd",
        ],
    ),
    ("country", &["country", "countryregion", "countryname"]),
    (
        "region",
        &["region", "stateregion", "salesregion", "territory"],
    ),
    ("email", &["email", "emailaddress", "workemail"]),
    (
        "targetaccount",
        &[
            "targetaccount",
            "istargetaccount",
            "abmtarget",
            "namedaccount",
            "istarget",
        ],
    ),
    ("iscustomer", &["iscustomer", "customer", "currentcustomer"]),
    ("iscompetitor", &["iscompetitor", "competitor"]),
    (
        "leadsource",
        &["leadsource", "originalsource", "source", "personsource"],
    ),
];

/// Other headers that CRM exports use for the field whose name (normalized) is `field`.
pub fn field_headers(field: &str) -> &'static [&'static str] {
    FIELD_HEADERS
        .iter()
        .find(|(key, _)| *key == field)
        .map_or(&[], |(_, headers)| headers)
}

/// Headers (normalized) of a lead id column beyond the ones the reader takes by itself (§3.4).
pub const ID_HEADERS: &[&str] = &[
    "prospectid",
    "leadnumber",
    "contactid",
    "personid",
    "hubspotid",
    "salesforceid",
    "crmid",
];

/// Headers (normalized) of columns that say how a lead ended: a funnel stage (to map to
/// `Outcome`) or a yes/no (to map to `Reached SQL` or `Won`).
pub const STAGE_HEADERS: &[&str] = &[
    "lifecyclestage",
    "leadstatus",
    "personstatus",
    "status",
    "leadstage",
    "dealstage",
];

/// Words in a yes/no column's header that make it an outcome, and the outcome column to map it
/// to.
pub const FLAG_WORDS: &[(&str, &str)] = &[
    ("won", "Won"),
    ("customer", "Won"),
    ("closed", "Won"),
    ("opportunity", "Reached Opportunity"),
    ("sql", "Reached SQL"),
    ("converted", "Reached SQL"),
    ("qualified", "Reached SQL"),
];

/// Cell values (lower-cased, trimmed) that CRM forms and exports write for "unknown", besides
/// the model's default missing values ([`crate::model::DEFAULT_MISSING_VALUES`]): the import
/// check suggests adding these to the model's list when a file has them.
pub const MORE_PLACEHOLDERS: &[&str] = &[
    "tbd",
    "?",
    "(blank)",
    "(none)",
    "--none--",
    "select one",
    "please select",
    "#n/a",
    "n.a.",
    "(not set)",
    "undefined",
];

/// Whether a cell's text is a placeholder for "unknown": one of the default missing values or [`MORE_PLACEHOLDERS`], or a few
/// characters of punctuation only ("---", "?", "…").
pub fn is_placeholder(text: &str) -> bool {
    let lower = text.trim().to_lowercase();
    crate::model::DEFAULT_MISSING_VALUES.contains(&lower.as_str())
        || MORE_PLACEHOLDERS.contains(&lower.as_str())
        || (!lower.is_empty()
            && lower.chars().count() <= 5
            && lower
                .chars()
                .all(|c| !c.is_alphanumeric() && !c.is_whitespace()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exports_are_recognised_by_their_headers() {
        let headers = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let hubspot = headers(&["Record ID", "First Name", "Lifecycle Stage", "Create Date"]);
        assert_eq!(recognise(&hubspot), Some(Crm::HubSpot));
        let salesforce = headers(&["Lead ID", "Title", "NumberOfEmployees", "IsConverted"]);
        assert_eq!(recognise(&salesforce), Some(Crm::Salesforce));
        let marketo = headers(&["Id", "Person Status", "Lead Score"]);
        assert_eq!(recognise(&marketo), Some(Crm::Marketo));
        assert_eq!(recognise(&headers(&["id", "name"])), None);
        let generic = headers(&[
            "Lead ID",
            "Annual Revenue",
            "Lead Source",
            "Lifecycle Stage",
        ]);
        assert_eq!(
            recognise(&generic),
            None,
            "one signature header is not enough"
        );
        assert!(is_placeholder(" Select "));
        assert!(is_placeholder("N/A"));
        assert!(is_placeholder("---"));
        assert!(is_placeholder("--None--"));
        assert!(!is_placeholder("Other"));
        assert!(!is_placeholder("+1 (555)"));
        // Every default missing value looks like a placeholder (the import check suggests only
        // values beyond the defaults).
        for value in crate::model::DEFAULT_MISSING_VALUES {
            assert!(is_placeholder(value), "{value}");
        }
    }
}
