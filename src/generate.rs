//! A deterministic, seeded generator of realistic B2B sample leads, their event log and their
//! outcomes. The bundled `assets/` files come from it (`mql-studio generate`), and so do the large
//! sets for benchmarks.
//!
//! Each lead has a hidden fit and intent; titles, sizes and industries follow fit, activity
//! follows intent, and the chance to become an SQL follows both, so a sensible model finds a
//! real signal and a realistic funnel (a minority of MQLs reach SQL). With
//! [`Truth::Logistic`] the outcome follows a known logistic model over the default model's rules
//! instead (see [`truth`]), and the leads file gets the true probability.

use std::io::{self, Write};

pub mod truth;

pub use truth::{TRUE_PROBABILITY_COLUMN, Truth};

/// What to generate.
#[derive(Clone, Debug)]
pub struct GenerateOptions {
    pub leads: usize,
    pub seed: u64,
    /// The last day of activity (days since 1970-01-01); events cover the 90 days up to it.
    pub as_of: i32,
    /// Add aggregate count columns (90-day totals per activity) to the leads file.
    pub count_columns: bool,
    /// Give this share of leads a sales verdict (0..=1).
    pub verdict_share: f64,
    /// The outcome model: the latent one (the bundled sample) or a known logistic truth.
    pub truth: Truth,
}

impl Default for GenerateOptions {
    fn default() -> Self {
        GenerateOptions {
            leads: 300,
            seed: 42,
            as_of: crate::leads::day_number(jiff::civil::date(2026, 11, 1)),
            count_columns: true,
            verdict_share: 0.4,
            truth: Truth::Latent,
        }
    }
}

/// What the generator wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GenerateSummary {
    pub leads: usize,
    pub events: usize,
    pub sqls: usize,
}

const FIRST_NAMES: &[&str] = &[
    "Olivia",
    "Liam",
    "Emma",
    "Noah",
    "Ava",
    "Lucas",
    "Sophia",
    "Mason",
    "Isabella",
    "Ethan",
    "Mia",
    "James",
    "Amelia",
    "Benjamin",
    "Harper",
    "Elijah",
    "Charlotte",
    "Daniel",
    "Evelyn",
    "Henry",
    "Hannah",
    "Samuel",
    "Chloe",
    "David",
    "Grace",
    "Jonas",
    "Lena",
    "Mateo",
    "Sofia",
    "Leon",
    "Clara",
    "Felix",
    "Ines",
    "Hugo",
    "Julia",
    "Oscar",
    "Nora",
    "Arjun",
    "Priya",
    "Kenji",
    "Yuki",
    "Wei",
    "Mei",
    "Rafael",
    "Camila",
    "Thomas",
    "Anna",
    "Marco",
    "Giulia",
    "Lars",
    "Freya",
    "Omar",
    "Layla",
    "Sebastian",
    "Zoe",
    "Patrick",
    "Aisha",
    "Ravi",
    "Sarah",
    "Michael",
];

const LAST_NAMES: &[&str] = &[
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Martinez",
    "Lopez",
    "Wilson",
    "Anderson",
    "Taylor",
    "Thomas",
    "Moore",
    "Martin",
    "Lee",
    "Thompson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Walker",
    "Hall",
    "Young",
    "King",
    "Wright",
    "Scott",
    "Green",
    "Baker",
    "Adams",
    "Nelson",
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Dubois",
    "Laurent",
    "Bernard",
    "Rossi",
    "Russo",
    "Bianchi",
    "de Vries",
    "Jansen",
    "Bakker",
    "Andersson",
    "Johansson",
    "Nilsson",
    "Kowalski",
    "Nowak",
    "Fernández",
    "González",
    "Silva",
    "Santos",
    "Tanaka",
    "Suzuki",
    "Watanabe",
    "Chen",
    "Wang",
    "Patel",
    "Sharma",
    "Kumar",
    "O'Brien",
    "Murphy",
    "Kelly",
    "Novak",
    "Horvat",
    "Ivanova",
    "Larsen",
];

const COMPANY_PREFIXES: &[&str] = &[
    "Blue",
    "North",
    "Summit",
    "Apex",
    "Harbor",
    "Iron",
    "Bright",
    "Cedar",
    "Silver",
    "Granite",
    "Maple",
    "Nimbus",
    "Orbit",
    "Pioneer",
    "Quantum",
    "Redwood",
    "Sierra",
    "Tidal",
    "Vertex",
    "Willow",
    "Atlas",
    "Beacon",
    "Cobalt",
    "Delta",
    "Ember",
    "Falcon",
    "Helix",
    "Juniper",
    "Keystone",
    "Lumen",
    "Meridian",
    "Nova",
    "Oakridge",
    "Polar",
    "Riverside",
    "Stratus",
    "Trident",
    "Union",
    "Vantage",
    "Zenith",
];

/// Company suffixes by industry, so names read like the business they are in.
fn company_suffixes(industry: &str) -> &'static [&'static str] {
    match industry {
        "Software" => &["Software", "Labs", "Cloud", "Systems", "Data", "Analytics"],
        "Fintech" => &["Pay", "Capital", "Ledger", "Finance", "Money"],
        "Healthcare" => &["Health", "Care", "Medical", "Clinics", "Diagnostics"],
        "Manufacturing" => &[
            "Industries",
            "Manufacturing",
            "Components",
            "Works",
            "Machines",
        ],
        "Retail" => &["Retail", "Goods", "Stores", "Market", "Brands"],
        "Education" => &["Learning", "Academy", "Education", "University"],
        "Professional Services" => &["Partners", "Consulting", "Advisory", "Group", "Associates"],
        "Logistics" => &["Logistics", "Freight", "Transport", "Shipping"],
        "Media" => &["Media", "Studios", "Publishing", "Digital"],
        "Property Development" => &["Developments", "Properties", "Estates", "Builders"],
        "Government" => &["Council", "Agency", "Authority"],
        _ => &["Foundation", "Trust", "Alliance"],
    }
}

/// Industry, share of leads, fit contribution (0..1).
const INDUSTRIES: &[(&str, f64, f64)] = &[
    ("Software", 0.22, 0.9),
    ("Fintech", 0.10, 0.85),
    ("Healthcare", 0.09, 0.7),
    ("Manufacturing", 0.10, 0.5),
    ("Retail", 0.09, 0.4),
    ("Professional Services", 0.10, 0.55),
    ("Logistics", 0.06, 0.45),
    ("Media", 0.06, 0.35),
    ("Education", 0.06, 0.15),
    ("Property Development", 0.05, 0.5),
    ("Government", 0.04, 0.2),
    ("Non-profit", 0.03, 0.1),
];

/// Country, region, email domain suffix, share.
const COUNTRIES: &[(&str, &str, &str, f64)] = &[
    ("United States", "North America", "com", 0.34),
    ("Canada", "North America", "ca", 0.05),
    ("United Kingdom", "EMEA", "co.uk", 0.13),
    ("Germany", "EMEA", "de", 0.09),
    ("France", "EMEA", "fr", 0.06),
    ("Netherlands", "EMEA", "nl", 0.04),
    ("Sweden", "EMEA", "se", 0.03),
    ("Spain", "EMEA", "es", 0.03),
    ("Australia", "APAC", "com.au", 0.05),
    ("Singapore", "APAC", "sg", 0.03),
    ("Japan", "APAC", "jp", 0.03),
    ("India", "APAC", "in", 0.05),
    ("Brazil", "LATAM", "com.br", 0.04),
    ("Mexico", "LATAM", "mx", 0.03),
];

/// Job title, seniority fit (0..1), share.
const TITLES: &[(&str, f64, f64)] = &[
    ("Chief Marketing Officer", 1.0, 0.02),
    ("Chief Financial Officer", 1.0, 0.02),
    ("Chief Technology Officer", 1.0, 0.02),
    ("Founder & CEO", 0.95, 0.03),
    ("VP Marketing", 0.9, 0.04),
    ("VP Sales", 0.85, 0.03),
    ("VP Finance", 0.9, 0.02),
    ("Head of Growth", 0.8, 0.04),
    ("Head of Operations", 0.75, 0.03),
    ("Head of IT", 0.75, 0.03),
    ("Director of Marketing", 0.8, 0.05),
    ("Finance Director", 0.85, 0.04),
    ("Director of Engineering", 0.7, 0.03),
    ("Marketing Manager", 0.55, 0.08),
    ("Finance Manager", 0.5, 0.05),
    ("IT Manager", 0.5, 0.05),
    ("Operations Manager", 0.45, 0.05),
    ("Product Manager", 0.45, 0.05),
    ("Marketing Specialist", 0.3, 0.06),
    ("Data Analyst", 0.25, 0.05),
    ("Software Engineer", 0.2, 0.06),
    ("Sales Development Representative", 0.15, 0.04),
    ("Marketing Coordinator", 0.2, 0.05),
    ("Consultant", 0.3, 0.03),
    ("Student", 0.0, 0.03),
    ("Intern", 0.0, 0.02),
];

const FREE_MAIL: &[&str] = &["gmail.com", "yahoo.com", "hotmail.com", "outlook.com"];

const LEAD_SOURCES: &[&str] = &[
    "Organic Search",
    "Paid Search",
    "Paid Social",
    "Webinar",
    "Trade Show",
    "Referral",
    "Content Download",
    "Direct",
];

/// Activity, base rate per 90 days at full intent, count-column header.
const ACTIVITIES: &[(&str, f64, &str)] = &[
    ("email_open", 9.0, "Email Opens"),
    ("email_click", 3.0, "Email Clicks"),
    ("solution_page_view", 4.0, "Solution Page Views"),
    ("pricing_page_view", 2.5, "Pricing Page Views"),
    ("whitepaper_download", 1.2, "Whitepaper Downloads"),
    ("ebook_download", 1.0, "eBook Downloads"),
    ("case_study_view", 1.2, "Case Study Views"),
    ("webinar_attended", 0.8, "Webinars Attended"),
    ("chatbot_question", 0.5, "Chatbot Questions"),
    ("booth_scan", 0.4, "Booth Scans"),
    ("trial_signup", 0.25, "Trial Signups"),
    ("demo_request", 0.12, "Demo Requests"),
];

fn pick_weighted<'a, T>(
    rng: &mut fastrand::Rng,
    items: &'a [T],
    weight: impl Fn(&T) -> f64,
) -> &'a T {
    let total: f64 = items.iter().map(&weight).sum();
    let mut target = rng.f64() * total;
    for item in items {
        target -= weight(item);
        if target <= 0.0 {
            return item;
        }
    }
    &items[items.len() - 1]
}

fn pick<'a>(rng: &mut fastrand::Rng, items: &'a [&'a str]) -> &'a str {
    items[rng.usize(..items.len())]
}

/// A Poisson draw (Knuth's method; the rates here are small).
fn poisson(rng: &mut fastrand::Rng, rate: f64) -> u32 {
    if rate <= 0.0 {
        return 0;
    }
    let limit = (-rate).exp();
    let mut product = rng.f64();
    let mut count = 0;
    while product > limit && count < 200 {
        product *= rng.f64();
        count += 1;
    }
    count
}

fn slug(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .flat_map(|c| c.to_lowercase())
        .collect()
}

fn ascii_name(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'ü' => 'u',
            'é' | 'è' => 'e',
            'á' => 'a',
            'ñ' => 'n',
            c => c,
        })
        .filter(|c| c.is_ascii_alphabetic())
        .flat_map(|c| c.to_lowercase())
        .collect()
}

fn csv_field(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\"")).into()
    } else {
        text.into()
    }
}

/// Writes `leads.csv` and `events.csv` content to the two writers.
pub fn generate<L: Write, E: Write>(
    options: &GenerateOptions,
    leads_out: &mut L,
    events_out: &mut E,
) -> io::Result<GenerateSummary> {
    let mut rng = fastrand::Rng::with_seed(options.seed);
    let mut summary = GenerateSummary::default();
    let mut header = String::from(
        "Lead ID,First Name,Last Name,Email,Company,Job Title,Industry,Number of Employees,Annual Revenue,Country,Region,Lead Source,Lifecycle Stage,Target Account,Is Customer,Is Competitor,Created Date",
    );
    if options.count_columns {
        for (_, _, column) in ACTIVITIES {
            header.push(',');
            header.push_str(column);
        }
        header.push_str(",Unsubscribes");
    }
    header.push_str(",Outcome,Sales Verdict");
    if options.truth == Truth::Logistic {
        header.push(',');
        header.push_str(TRUE_PROBABILITY_COLUMN);
    }
    header.push('\n');
    leads_out.write_all(header.as_bytes())?;
    events_out.write_all(b"Lead ID,Activity,Timestamp\n")?;

    let mut line = String::with_capacity(512);
    let mut events: Vec<(i32, u32, usize)> = Vec::new();
    for index in 0..options.leads {
        line.clear();
        events.clear();
        let id = format!("L{:06}", index + 1);
        let industry = pick_weighted(&mut rng, INDUSTRIES, |i| i.1);
        let country = pick_weighted(&mut rng, COUNTRIES, |c| c.3);
        let title = pick_weighted(&mut rng, TITLES, |t| t.2);
        let first = pick(&mut rng, FIRST_NAMES);
        let last = pick(&mut rng, LAST_NAMES);
        let company = format!(
            "{} {}",
            pick(&mut rng, COMPANY_PREFIXES),
            pick(&mut rng, company_suffixes(industry.0))
        );
        // Company size: log-uniform from 2 to 20,000, nudged up for better-fit industries.
        let size_draw = rng.f64() * 0.85 + industry.2 * 0.15;
        let employees = (2.0f64 * 10_000f64.powf(size_draw)).round().max(1.0);
        let revenue = (employees * (90_000.0 + rng.f64() * 160_000.0) / 1000.0).round() * 1000.0;
        let size_fit = if employees >= 1000.0 {
            0.85
        } else if employees >= 200.0 {
            1.0
        } else if employees >= 50.0 {
            0.7
        } else {
            0.25
        };
        let is_competitor = rng.f64() < 0.015;
        let is_customer = !is_competitor && rng.f64() < 0.03;
        let free_mail = title.1 < 0.1 || rng.f64() < 0.07;
        let email = if free_mail {
            format!(
                "{}.{}{}@{}",
                ascii_name(first),
                ascii_name(last),
                rng.u32(1..99),
                pick(&mut rng, FREE_MAIL)
            )
        } else {
            format!(
                "{}.{}@{}.{}",
                ascii_name(first),
                ascii_name(last),
                slug(&company),
                country.2
            )
        };
        let target_account = employees >= 1000.0 && rng.f64() < 0.5;
        let fit = (0.45 * title.1 + 0.3 * industry.2 + 0.25 * size_fit)
            * if free_mail { 0.5 } else { 1.0 };
        // Intent: most leads are quiet; a few are in market. Better-fit leads are a little more
        // often in market.
        let intent = (rng.f64().powf(2.2) * 0.85 + fit * rng.f64() * 0.25).min(1.0);
        let created = options.as_of - 30 - rng.i32(0..300);
        let lifecycle = if intent > 0.5 {
            "marketingqualifiedlead"
        } else if intent > 0.15 {
            "lead"
        } else {
            "subscriber"
        };

        // Activity: rates scale with intent; recent days are likelier for leads in market.
        let mut counts = [0u32; ACTIVITIES.len()];
        for (a, (_, base_rate, _)) in ACTIVITIES.iter().enumerate() {
            let rate = base_rate * (0.05 + intent * 1.4);
            let n = poisson(&mut rng, rate);
            counts[a] = n;
            for _ in 0..n {
                let recency = rng.f64().powf(1.0 + intent * 2.0);
                let age = (recency * 90.0) as i32;
                let seconds = rng.usize(8 * 3600..19 * 3600);
                events.push((options.as_of - age.min(89), a as u32, seconds));
            }
        }
        let unsubscribed = match options.truth {
            Truth::Latent => is_customer && rng.f64() < 0.3,
            Truth::Logistic => rng.f64() < if is_customer { 0.3 } else { 0.04 },
        };
        if unsubscribed {
            events.push((
                options.as_of - rng.i32(0..60),
                ACTIVITIES.len() as u32,
                10 * 3600,
            ));
        }

        // The outcome: the chance to reach SQL rises steeply with fit and intent.
        let demo = counts[ACTIVITIES.len() - 1] > 0;
        let propensity = fit * 0.55 + intent * 0.45 + if demo { 0.2 } else { 0.0 };
        let sql_chance = if is_competitor || is_customer {
            0.0
        } else {
            (0.005 + 0.55 * (propensity - 0.35).max(0.0).powf(1.6) * 1.8).min(0.9)
        };
        let true_probability = (options.truth == Truth::Logistic).then(|| {
            let ages: Vec<(i32, &str)> = events
                .iter()
                .map(|&(day, activity, _)| {
                    let name = ACTIVITIES
                        .get(activity as usize)
                        .map_or("unsubscribe", |a| a.0);
                    (options.as_of - day, name)
                })
                .collect();
            truth::logistic_probability(&truth::TruthLead {
                job_title: title.0,
                industry: industry.0,
                employees,
                target_account,
                email: &email,
                is_competitor,
                is_customer,
                events: &ages,
            })
        });
        let outcome = if rng.f64() < true_probability.unwrap_or(sql_chance) {
            summary.sqls += 1;
            let roll = rng.f64();
            if roll < 0.2 {
                "won"
            } else if roll < 0.45 {
                "lost"
            } else if roll < 0.55 {
                "opportunity"
            } else {
                "sql"
            }
        } else if is_competitor {
            "disqualified"
        } else {
            "lead"
        };
        let verdict = if rng.f64() < options.verdict_share {
            let sales_view = fit * 0.65 + intent * 0.35 + (rng.f64() - 0.5) * 0.2;
            if sales_view > 0.5 && !is_competitor {
                "accept"
            } else {
                "reject"
            }
        } else {
            ""
        };

        let yes_no = |b: bool| if b { "yes" } else { "no" };
        let cells: [&str; 17] = [
            &id,
            first,
            last,
            &email,
            &company,
            title.0,
            industry.0,
            &format!("{employees}"),
            &format!("{revenue}"),
            country.0,
            country.1,
            pick(&mut rng, LEAD_SOURCES),
            lifecycle,
            yes_no(target_account),
            yes_no(is_customer),
            yes_no(is_competitor),
            &crate::leads::format_day(created),
        ];
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                line.push(',');
            }
            line.push_str(&csv_field(cell));
        }
        if options.count_columns {
            for count in counts {
                line.push(',');
                line.push_str(&count.to_string());
            }
            line.push_str(if unsubscribed { ",1" } else { ",0" });
        }
        line.push(',');
        line.push_str(outcome);
        line.push(',');
        line.push_str(verdict);
        if let Some(probability) = true_probability {
            line.push_str(&format!(",{probability:.9}"));
        }
        line.push('\n');
        leads_out.write_all(line.as_bytes())?;

        events.sort_unstable();
        for &(day, activity, seconds) in &events {
            let name = ACTIVITIES
                .get(activity as usize)
                .map_or("unsubscribe", |a| a.0);
            writeln!(
                events_out,
                "{id},{name},{}T{:02}:{:02}:{:02}Z",
                crate::leads::format_day(day),
                seconds / 3600,
                seconds / 60 % 60,
                seconds % 60
            )?;
        }
        summary.events += events.len();
        summary.leads += 1;
    }
    leads_out.flush()?;
    events_out.flush()?;
    Ok(summary)
}
