-- Batch scoring with the default model (models/default.ron), hand-written in DuckDB SQL.
--
-- Reads the leads and the event log with read_csv, scores every lead exactly as
-- docs/model-format.md §4 says (fit rules, windowed and decayed engagement rules with their caps
-- and counting modes, overrides, the min-fit gate, rounded sub-scores and total, status, grade,
-- fired rule ids) and writes the same CSV as `mql-studio score` (docs/model-format.md §6.1).
--
-- Inputs are DuckDB variables (set them before running this file; score_duckdb.py does):
--   SET VARIABLE leads_csv  = 'bench-data/1000000/leads.csv';
--   SET VARIABLE events_csv = 'bench-data/1000000/events.csv';
-- and the output path is substituted for @OUT@ by the runner (COPY … TO needs a constant).
--
-- The model is hard-coded here, as a data analyst would do for one scoring job. Columns are
-- those of the generated data (`Lead ID`, `Job Title`, `Number of Employees`, …); the model's
-- field aliases resolve to them as in §3.2. All arithmetic is DOUBLE: every literal that takes
-- part in it is cast, because a bare 0.6 or 100.0 is a DECIMAL in DuckDB and decimal arithmetic
-- rounds differently from the reference implementation's f64.

SET TimeZone = 'UTC';  -- a timestamp's day is its UTC day (§3.5)

-- fmt_number (src/model.rs): a whole number without ".0", else at most two decimals. The values
-- are round2 results, whose shortest representation has at most two decimals, so DuckDB's
-- DOUBLE → VARCHAR cast (shortest round-trip form) prints them as mql-studio does.
CREATE OR REPLACE TEMP MACRO fmt_number(x) AS
    CASE WHEN x = trunc(x) THEN CAST(CAST(x AS BIGINT) AS VARCHAR) ELSE CAST(x AS VARCHAR) END;

-- §6.1's text cells: an apostrophe before each piece (after `,` or `;`) whose first character
-- other than `"` starts a formula, then double quotes (a quote doubled) around a cell that holds
-- `,`, `;` or `"` (the fired rules of more than one rule). The file is written without quoting
-- of its own (QUOTE ''), so these are the only quotes. (Control characters, which §6.1 escapes,
-- are not in these files.)
CREATE OR REPLACE TEMP MACRO neutralize(x) AS regexp_replace(x, '(^|[,;])("*)([=+@-])', '\1''\2\3', 'g');
CREATE OR REPLACE TEMP MACRO quote_cell(x) AS
    CASE WHEN regexp_matches(x, '[,;"]') THEN '"' || replace(x, '"', '""') || '"' ELSE x END;

COPY (
WITH
leads AS (
    -- `row_number() OVER ()` keeps the file order for the output (and gives an integer join key).
    SELECT
        row_number() OVER () AS rn,
        "Lead ID" AS id,
        lower(trim("Job Title")) AS title,
        lower(trim("Industry")) AS industry,
        CAST(trim("Number of Employees") AS DOUBLE) AS employees,   -- declared Number
        lower(trim("Email")) AS email,
        lower(trim("Target Account")) IN ('true', 'yes', 'y', '1', 'x') AS target_account,  -- Bool
        lower(trim("Is Customer")) IN ('true', 'yes', 'y', '1', 'x') AS is_customer,
        lower(trim("Is Competitor")) IN ('true', 'yes', 'y', '1', 'x') AS is_competitor
    FROM read_csv(getvariable('leads_csv'), header = true, delim = ',', quote = '"', all_varchar = true)
),
events AS MATERIALIZED (
    -- Events of leads that are not in the leads file are ignored (§3.6), also for the as-of date.
    SELECT
        l.rn,
        lower(trim(e."Activity")) AS activity,
        -- the UTC day as a day number (days since 1970-01-01)
        CAST(floor(epoch_us(CAST(e."Timestamp" AS TIMESTAMPTZ)) / 86400000000::DOUBLE) AS INTEGER) AS day
    FROM read_csv(getvariable('events_csv'), header = true, delim = ',', quote = '"',
                  columns = {'Lead ID': 'VARCHAR', 'Activity': 'VARCHAR', 'Timestamp': 'VARCHAR'}) e
    JOIN leads l ON l.id = e."Lead ID"
),
as_of AS (
    SELECT max(day) AS as_of FROM events   -- the default as-of date: the latest event's day
),
counts AS (
    -- The effective count of each engagement rule (§4.3): events 0 .. window-1 days old, each
    -- weighing 1, or 0.5^(age / half-life) for the webinar rule; the demo-request override
    -- counts without decay (§4.7).
    SELECT
        rn,
        count(*) FILTER (activity = 'pricing_page_view'   AND age >= 0 AND age < 30)::DOUBLE AS c_pricing,
        sum(pow(0.5::DOUBLE, age::DOUBLE / 45::DOUBLE))
              FILTER (activity = 'webinar_attended'    AND age >= 0 AND age < 90)         AS c_webinar,
        count(*) FILTER (activity = 'whitepaper_download' AND age >= 0 AND age < 60)::DOUBLE AS c_content,
        count(*) FILTER (activity = 'ebook_download'      AND age >= 0 AND age < 60)::DOUBLE AS c_ebook,
        count(*) FILTER (activity = 'case_study_view'     AND age >= 0 AND age < 30)::DOUBLE AS c_case_study,
        count(*) FILTER (activity = 'email_click'         AND age >= 0 AND age < 30)::DOUBLE AS c_click,
        count(*) FILTER (activity = 'email_open'          AND age >= 0 AND age < 30)::DOUBLE AS c_open,
        count(*) FILTER (activity = 'trial_signup'        AND age >= 0 AND age < 30)::DOUBLE AS c_trial,
        count(*) FILTER (activity = 'booth_scan'          AND age >= 0 AND age < 90)::DOUBLE AS c_booth,
        count(*) FILTER (activity = 'unsubscribe'         AND age >= 0 AND age < 90)::DOUBLE AS c_unsubscribe,
        count(*) FILTER (activity = 'demo_request'        AND age >= 0 AND age < 30)::DOUBLE AS c_demo
    FROM (SELECT rn, activity, (SELECT as_of FROM as_of) - day AS age FROM events)
    GROUP BY rn
),
rules AS (
    SELECT
        l.rn,
        l.id,
        -- Fit conditions (§4.1). ContainsAny is a whole-word match: a value that starts (ends)
        -- with a letter or digit must not have a letter or digit just before (after) it.
        coalesce(regexp_matches(l.title, '(^|[^\pL\pN])(chief|vp|head of|director|founder)($|[^\pL\pN])'), false) AS f_senior,
        coalesce(regexp_matches(l.title, '(^|[^\pL\pN])manager($|[^\pL\pN])'), false) AS f_manager,
        coalesce(l.industry IN ('software', 'fintech', 'healthcare'), false) AS f_core,
        coalesce(l.industry IN ('professional services', 'manufacturing', 'logistics'), false) AS f_adjacent,
        coalesce(l.employees >= 200::DOUBLE AND l.employees <= 5000::DOUBLE, false) AS f_size,
        coalesce(l.employees >= 50::DOUBLE AND l.employees <= 199::DOUBLE, false) AS f_small,
        coalesce(l.target_account, false) AS f_target,
        -- '@gmail.' etc. start and end with punctuation: a plain substring test is the whole-word test.
        coalesce(contains(l.email, '@gmail.') OR contains(l.email, '@yahoo.')
                 OR contains(l.email, '@hotmail.') OR contains(l.email, '@outlook.'), false) AS f_free_mail,
        coalesce(regexp_matches(l.title, '(^|[^\pL\pN])(student|intern|trainee)($|[^\pL\pN])'), false) AS f_student,
        -- Engagement rule points (§4.4), after each rule's cap.
        least(greatest(8::DOUBLE * coalesce(c.c_pricing, 0), -24::DOUBLE), 24::DOUBLE) AS e_pricing,
        least(greatest(10::DOUBLE * coalesce(c.c_webinar, 0), -20::DOUBLE), 20::DOUBLE) AS e_webinar,
        least(greatest(5::DOUBLE * coalesce(c.c_content, 0), -15::DOUBLE), 15::DOUBLE) AS e_content,
        5::DOUBLE * least(coalesce(c.c_ebook, 0), 1::DOUBLE) AS e_ebook,
        least(greatest(4::DOUBLE * coalesce(c.c_case_study, 0), -12::DOUBLE), 12::DOUBLE) AS e_case_study,
        least(greatest(2::DOUBLE * coalesce(c.c_click, 0), -8::DOUBLE), 8::DOUBLE) AS e_click,
        CASE WHEN coalesce(c.c_open, 0) >= 5 THEN 3::DOUBLE ELSE 0::DOUBLE END AS e_open,
        20::DOUBLE * least(coalesce(c.c_trial, 0), 1::DOUBLE) AS e_trial,
        CASE WHEN coalesce(c.c_booth, 0) >= 3 THEN 15::DOUBLE ELSE 0::DOUBLE END AS e_booth,
        -15::DOUBLE * least(coalesce(c.c_unsubscribe, 0), 1::DOUBLE) AS e_unsubscribe,
        -- Overrides (§4.7).
        coalesce(l.is_competitor, false) AS o_competitor,
        coalesce(l.is_customer, false) AS o_customer,
        coalesce(c.c_demo, 0) >= 1 AS o_demo
    FROM leads l
    LEFT JOIN counts c ON c.rn = l.rn
),
raw AS (
    SELECT *,
        -- Sums in model order, as §4.2 and §4.4 do.
        0::DOUBLE
            + CASE WHEN f_senior THEN 20::DOUBLE ELSE 0::DOUBLE END
            + CASE WHEN f_manager THEN 10::DOUBLE ELSE 0::DOUBLE END
            + CASE WHEN f_core THEN 15::DOUBLE ELSE 0::DOUBLE END
            + CASE WHEN f_adjacent THEN 7::DOUBLE ELSE 0::DOUBLE END
            + CASE WHEN f_size THEN 20::DOUBLE ELSE 0::DOUBLE END
            + CASE WHEN f_small THEN 10::DOUBLE ELSE 0::DOUBLE END
            + CASE WHEN f_target THEN 10::DOUBLE ELSE 0::DOUBLE END
            + CASE WHEN f_free_mail THEN -15::DOUBLE ELSE 0::DOUBLE END
            + CASE WHEN f_student THEN -20::DOUBLE ELSE 0::DOUBLE END AS fit_raw,
        0::DOUBLE + e_pricing + e_webinar + e_content + e_ebook + e_case_study + e_click
            + e_open + e_trial + e_booth + e_unsubscribe AS engagement_raw
    FROM rules
),
subscores AS (
    -- §4.5: clamp to [0, cap], then round2(x) = round(x × 100) / 100, halves away from zero
    -- (DuckDB's round on a DOUBLE is C's round).
    SELECT *,
        round(least(greatest(fit_raw, 0::DOUBLE), 60::DOUBLE) * 100::DOUBLE) / 100::DOUBLE AS fit,
        round(least(greatest(engagement_raw, 0::DOUBLE), 40::DOUBLE) * 100::DOUBLE) / 100::DOUBLE AS engagement
    FROM raw
),
scored AS (
    SELECT *,
        -- §4.6, in exactly this order: the divisions, the products, the sum, × scale, round2.
        round((0.6::DOUBLE * (fit / 60::DOUBLE) + 0.4::DOUBLE * (engagement / 40::DOUBLE))
              * 100::DOUBLE * 100::DOUBLE) / 100::DOUBLE AS score
    FROM subscores
)
SELECT
    -- §6.1: formula-injection neutralisation and quoting of the id.
    quote_cell(neutralize(id)) AS id,
    -- fmt_number: no trailing .0, at most two decimals.
    fmt_number(fit) AS fit,
    fmt_number(engagement) AS engagement,
    fmt_number(score) AS score,
    CASE
        WHEN o_competitor OR o_customer THEN 'disqualified'
        WHEN o_demo THEN 'mql_fast_track'
        WHEN score >= 75::DOUBLE AND fit >= 20::DOUBLE THEN 'mql'
        WHEN score >= 75::DOUBLE - 15::DOUBLE THEN 'nurture'
        ELSE 'lead'
    END AS status,
    CASE WHEN fit >= 45 THEN 'A' WHEN fit >= 30 THEN 'B' WHEN fit >= 15 THEN 'C' ELSE 'D' END
        || CASE WHEN engagement >= 30 THEN '1' WHEN engagement >= 20 THEN '2'
                WHEN engagement >= 10 THEN '3' ELSE '4' END AS grade,
    -- Quoted when more than one rule fired (no rule id starts with a formula trigger).
    quote_cell(concat_ws(';',
        CASE WHEN f_senior THEN 'fit-senior-title' END,
        CASE WHEN f_manager THEN 'fit-manager-title' END,
        CASE WHEN f_core THEN 'fit-core-industry' END,
        CASE WHEN f_adjacent THEN 'fit-adjacent-industry' END,
        CASE WHEN f_size THEN 'fit-company-size' END,
        CASE WHEN f_small THEN 'fit-small-company' END,
        CASE WHEN f_target THEN 'fit-target-account' END,
        CASE WHEN f_free_mail THEN 'fit-free-mail' END,
        CASE WHEN f_student THEN 'fit-student' END,
        CASE WHEN e_pricing <> 0 THEN 'eng-pricing' END,
        CASE WHEN e_webinar <> 0 THEN 'eng-webinar' END,
        CASE WHEN e_content <> 0 THEN 'eng-content' END,
        CASE WHEN e_ebook <> 0 THEN 'eng-ebook' END,
        CASE WHEN e_case_study <> 0 THEN 'eng-case-study' END,
        CASE WHEN e_click <> 0 THEN 'eng-email-click' END,
        CASE WHEN e_open <> 0 THEN 'eng-email-opens' END,
        CASE WHEN e_trial <> 0 THEN 'eng-trial' END,
        CASE WHEN e_booth <> 0 THEN 'eng-booth' END,
        CASE WHEN e_unsubscribe <> 0 THEN 'eng-unsubscribe' END,
        CASE WHEN o_competitor THEN 'dq-competitor' END,
        CASE WHEN o_customer THEN 'dq-customer' END,
        CASE WHEN o_demo THEN 'ft-demo-request' END
    )) AS fired_rules
FROM scored
ORDER BY rn
) TO '@OUT@' (FORMAT csv, HEADER true, QUOTE '', ESCAPE '');
