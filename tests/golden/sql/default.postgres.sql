-- mql-studio 0.1.0: the model `B2B SaaS default` compiled for PostgreSQL.
-- Model format 1.0, status Draft.
-- Not signed off.
--
-- Reads the leads table crm.leads.
-- Reads the event table crm.events (columns Lead ID, Activity, Timestamp).
-- As of 2026-11-01.
-- Returns one row per lead: id, fit, engagement, score, status, grade, fired_rules (ids joined with ';'), the values `mql-studio score` writes to JSON (docs/sql.md).

WITH
-- The 25 characters Unicode calls White_Space, which are trimmed from every cell (§3.1)
white_space AS (
    SELECT chr(9) || chr(10) || chr(11) || chr(12) || chr(13) || chr(32) || chr(133) || chr(160) || chr(5760) || chr(8192) || chr(8193) || chr(8194) || chr(8195) || chr(8196) || chr(8197) || chr(8198) || chr(8199) || chr(8200) || chr(8201) || chr(8202) || chr(8232) || chr(8233) || chr(8239) || chr(8287) || chr(12288) AS chars
),
-- The leads: the id and each column the model reads, trimmed (§3.1); an empty cell is missing
leads_read AS MATERIALIZED (
    SELECT
        CASE WHEN ASCII(CAST(t."Lead ID" AS TEXT)) BETWEEN 33 AND 126 AND ASCII(RIGHT(CAST(t."Lead ID" AS TEXT), 1)) BETWEEN 33 AND 126 THEN CAST(t."Lead ID" AS TEXT) ELSE btrim(CAST(t."Lead ID" AS TEXT), ws.chars) END AS lead_id,
        -- Job Title
        NULLIF(CASE WHEN ASCII(CAST(t."Job Title" AS TEXT)) BETWEEN 33 AND 126 AND ASCII(RIGHT(CAST(t."Job Title" AS TEXT), 1)) BETWEEN 33 AND 126 THEN CAST(t."Job Title" AS TEXT) ELSE btrim(CAST(t."Job Title" AS TEXT), ws.chars) END, '') AS c1,
        -- Industry
        NULLIF(CASE WHEN ASCII(CAST(t."Industry" AS TEXT)) BETWEEN 33 AND 126 AND ASCII(RIGHT(CAST(t."Industry" AS TEXT), 1)) BETWEEN 33 AND 126 THEN CAST(t."Industry" AS TEXT) ELSE btrim(CAST(t."Industry" AS TEXT), ws.chars) END, '') AS c2,
        -- Number of Employees
        NULLIF(CASE WHEN ASCII(CAST(t."Number of Employees" AS TEXT)) BETWEEN 33 AND 126 AND ASCII(RIGHT(CAST(t."Number of Employees" AS TEXT), 1)) BETWEEN 33 AND 126 THEN CAST(t."Number of Employees" AS TEXT) ELSE btrim(CAST(t."Number of Employees" AS TEXT), ws.chars) END, '') AS c3,
        -- Target Account
        NULLIF(CASE WHEN ASCII(CAST(t."Target Account" AS TEXT)) BETWEEN 33 AND 126 AND ASCII(RIGHT(CAST(t."Target Account" AS TEXT), 1)) BETWEEN 33 AND 126 THEN CAST(t."Target Account" AS TEXT) ELSE btrim(CAST(t."Target Account" AS TEXT), ws.chars) END, '') AS c4,
        -- Email
        NULLIF(CASE WHEN ASCII(CAST(t."Email" AS TEXT)) BETWEEN 33 AND 126 AND ASCII(RIGHT(CAST(t."Email" AS TEXT), 1)) BETWEEN 33 AND 126 THEN CAST(t."Email" AS TEXT) ELSE btrim(CAST(t."Email" AS TEXT), ws.chars) END, '') AS c5,
        -- Is Competitor
        NULLIF(CASE WHEN ASCII(CAST(t."Is Competitor" AS TEXT)) BETWEEN 33 AND 126 AND ASCII(RIGHT(CAST(t."Is Competitor" AS TEXT), 1)) BETWEEN 33 AND 126 THEN CAST(t."Is Competitor" AS TEXT) ELSE btrim(CAST(t."Is Competitor" AS TEXT), ws.chars) END, '') AS c6,
        -- Is Customer
        NULLIF(CASE WHEN ASCII(CAST(t."Is Customer" AS TEXT)) BETWEEN 33 AND 126 AND ASCII(RIGHT(CAST(t."Is Customer" AS TEXT), 1)) BETWEEN 33 AND 126 THEN CAST(t."Is Customer" AS TEXT) ELSE btrim(CAST(t."Is Customer" AS TEXT), ws.chars) END, '') AS c7
    FROM "crm"."leads" t CROSS JOIN white_space ws
),
-- The events of leads in the leads table (others are ignored, §3.6): lead id, activity (trimmed, ASCII lower case) and timestamp
events_read AS MATERIALIZED (
    SELECT CASE WHEN ASCII(CAST(e."Lead ID" AS TEXT)) BETWEEN 33 AND 126 AND ASCII(RIGHT(CAST(e."Lead ID" AS TEXT), 1)) BETWEEN 33 AND 126 THEN CAST(e."Lead ID" AS TEXT) ELSE btrim(CAST(e."Lead ID" AS TEXT), ws.chars) END AS lead_id, TRANSLATE(CASE WHEN ASCII(CAST(e."Activity" AS TEXT)) BETWEEN 33 AND 126 AND ASCII(RIGHT(CAST(e."Activity" AS TEXT), 1)) BETWEEN 33 AND 126 THEN CAST(e."Activity" AS TEXT) ELSE btrim(CAST(e."Activity" AS TEXT), ws.chars) END, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') AS activity, CASE WHEN ASCII(CAST(e."Timestamp" AS TEXT)) BETWEEN 33 AND 126 AND ASCII(RIGHT(CAST(e."Timestamp" AS TEXT), 1)) BETWEEN 33 AND 126 THEN CAST(e."Timestamp" AS TEXT) ELSE btrim(CAST(e."Timestamp" AS TEXT), ws.chars) END AS event_time
    FROM "crm"."events" e CROSS JOIN white_space ws
    WHERE CASE WHEN ASCII(CAST(e."Lead ID" AS TEXT)) BETWEEN 33 AND 126 AND ASCII(RIGHT(CAST(e."Lead ID" AS TEXT), 1)) BETWEEN 33 AND 126 THEN CAST(e."Lead ID" AS TEXT) ELSE btrim(CAST(e."Lead ID" AS TEXT), ws.chars) END IN (SELECT lead_id FROM leads_read)
),
-- Each event's timestamp in parts, when it matches the grammar of dates and timestamps (§3.5): year, month, day, whether the time is in range, and the day its offset moves
event_times AS MATERIALIZED (
    SELECT lead_id, activity,
        CASE WHEN ok THEN CAST(SUBSTR(event_time, 1, 4) AS BIGINT) END AS y,
        CASE WHEN ok THEN CAST(SUBSTR(event_time, 6, 2) AS BIGINT) END AS m,
        CASE WHEN ok THEN CAST(SUBSTR(event_time, 9, 2) AS BIGINT) END AS d,
        CASE WHEN ok THEN CASE WHEN LENGTH(event_time) > 10 THEN CASE WHEN CAST(SUBSTR(event_time, 12, 2) AS BIGINT) <= 23 AND CAST(SUBSTR(event_time, 15, 2) AS BIGINT) <= 59 AND (CASE WHEN SUBSTR(event_time, 17, 1) = ':' THEN CAST(SUBSTR(event_time, 18, 2) AS BIGINT) <= 59 ELSE TRUE END) AND (CASE WHEN (LENGTH(event_time) > 16 AND SUBSTR(event_time, LENGTH(event_time) - 5, 1) IN ('+', '-')) THEN (CAST(SUBSTR(event_time, LENGTH(event_time) - 4, 2) AS BIGINT) * 60 + CAST(SUBSTR(event_time, LENGTH(event_time) - 1, 2) AS BIGINT)) <= 840 ELSE TRUE END) THEN TRUE ELSE FALSE END ELSE TRUE END END AS time_ok,
        CASE WHEN ok THEN CASE WHEN LENGTH(event_time) > 10 AND (LENGTH(event_time) > 16 AND SUBSTR(event_time, LENGTH(event_time) - 5, 1) IN ('+', '-')) THEN CASE WHEN CAST(SUBSTR(event_time, 12, 2) AS BIGINT) * 60 + CAST(SUBSTR(event_time, 15, 2) AS BIGINT) - CASE WHEN SUBSTR(event_time, LENGTH(event_time) - 5, 1) = '-' THEN -(CAST(SUBSTR(event_time, LENGTH(event_time) - 4, 2) AS BIGINT) * 60 + CAST(SUBSTR(event_time, LENGTH(event_time) - 1, 2) AS BIGINT)) ELSE (CAST(SUBSTR(event_time, LENGTH(event_time) - 4, 2) AS BIGINT) * 60 + CAST(SUBSTR(event_time, LENGTH(event_time) - 1, 2) AS BIGINT)) END < 0 THEN -1 WHEN CAST(SUBSTR(event_time, 12, 2) AS BIGINT) * 60 + CAST(SUBSTR(event_time, 15, 2) AS BIGINT) - CASE WHEN SUBSTR(event_time, LENGTH(event_time) - 5, 1) = '-' THEN -(CAST(SUBSTR(event_time, LENGTH(event_time) - 4, 2) AS BIGINT) * 60 + CAST(SUBSTR(event_time, LENGTH(event_time) - 1, 2) AS BIGINT)) ELSE (CAST(SUBSTR(event_time, LENGTH(event_time) - 4, 2) AS BIGINT) * 60 + CAST(SUBSTR(event_time, LENGTH(event_time) - 1, 2) AS BIGINT)) END >= 1440 THEN 1 ELSE 0 END ELSE 0 END END AS shift
    FROM (SELECT events_read.*, (event_time ~ '^([0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}/[0-9]{2}/[0-9]{2})([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,9})?)?([Zz]|[+-][0-9]{2}:[0-9]{2})?)?$') AS ok FROM events_read) e
),
-- Each event's UTC day as a day number (§3.5); a timestamp that is not a date counts for nothing
events_in AS MATERIALIZED (
    SELECT lead_id, activity, CASE WHEN (CASE WHEN m BETWEEN 1 AND 12 THEN d BETWEEN 1 AND CASE WHEN m = 2 THEN CASE WHEN (y - 4 * FLOOR(CAST(y AS DOUBLE PRECISION) / 4) = 0 AND (y - 100 * FLOOR(CAST(y AS DOUBLE PRECISION) / 100) <> 0 OR y - 400 * FLOOR(CAST(y AS DOUBLE PRECISION) / 400) = 0)) THEN 29 ELSE 28 END WHEN m IN (4, 6, 9, 11) THEN 30 ELSE 31 END ELSE FALSE END) AND (time_ok) THEN CAST((FLOOR(CAST((y - CASE WHEN m <= 2 THEN 1 ELSE 0 END) AS DOUBLE PRECISION) / 400) * 146097 + (((y - CASE WHEN m <= 2 THEN 1 ELSE 0 END) - FLOOR(CAST((y - CASE WHEN m <= 2 THEN 1 ELSE 0 END) AS DOUBLE PRECISION) / 400) * 400) * 365 + FLOOR(CAST(((y - CASE WHEN m <= 2 THEN 1 ELSE 0 END) - FLOOR(CAST((y - CASE WHEN m <= 2 THEN 1 ELSE 0 END) AS DOUBLE PRECISION) / 400) * 400) AS DOUBLE PRECISION) / 4) - FLOOR(CAST(((y - CASE WHEN m <= 2 THEN 1 ELSE 0 END) - FLOOR(CAST((y - CASE WHEN m <= 2 THEN 1 ELSE 0 END) AS DOUBLE PRECISION) / 400) * 400) AS DOUBLE PRECISION) / 100) + (FLOOR(CAST((153 * (CASE WHEN m > 2 THEN m - 3 ELSE m + 9 END) + 2) AS DOUBLE PRECISION) / 5) + d - 1)) - 719468 + shift) AS BIGINT) END AS event_day
    FROM event_times
),
-- The as-of day, given when the SQL was written
as_of AS (
    SELECT 20758 AS as_of_day
),
-- Each event's weight for each count the model needs (NULL: it does not count)
event_weights AS (
    SELECT lead_id, age,
        CASE WHEN e.activity = 'pricing_page_view' AND age >= 0 AND age < 30 THEN CAST(1 AS DOUBLE PRECISION) END AS w_n1,
        CASE WHEN e.activity = 'webinar_attended' AND age >= 0 AND age < 90 THEN CASE WHEN CAST(age AS DOUBLE PRECISION) / CAST(45 AS DOUBLE PRECISION) >= CAST(1075 AS DOUBLE PRECISION) THEN CAST(0 AS DOUBLE PRECISION) ELSE POWER(CAST('5e-1' AS DOUBLE PRECISION), CAST(age AS DOUBLE PRECISION) / CAST(45 AS DOUBLE PRECISION)) END END AS w_n2,
        CASE WHEN e.activity = 'whitepaper_download' AND age >= 0 AND age < 60 THEN CAST(1 AS DOUBLE PRECISION) END AS w_n3,
        CASE WHEN e.activity = 'ebook_download' AND age >= 0 AND age < 60 THEN CAST(1 AS DOUBLE PRECISION) END AS w_n4,
        CASE WHEN e.activity = 'case_study_view' AND age >= 0 AND age < 30 THEN CAST(1 AS DOUBLE PRECISION) END AS w_n5,
        CASE WHEN e.activity = 'email_click' AND age >= 0 AND age < 30 THEN CAST(1 AS DOUBLE PRECISION) END AS w_n6,
        CASE WHEN e.activity = 'email_open' AND age >= 0 AND age < 30 THEN CAST(1 AS DOUBLE PRECISION) END AS w_n7,
        CASE WHEN e.activity = 'trial_signup' AND age >= 0 AND age < 30 THEN CAST(1 AS DOUBLE PRECISION) END AS w_n8,
        CASE WHEN e.activity = 'booth_scan' AND age >= 0 AND age < 90 THEN CAST(1 AS DOUBLE PRECISION) END AS w_n9,
        CASE WHEN e.activity = 'unsubscribe' AND age >= 0 AND age < 90 THEN CAST(1 AS DOUBLE PRECISION) END AS w_n10,
        CASE WHEN e.activity = 'demo_request' AND age >= 0 AND age < 30 THEN CAST(1 AS DOUBLE PRECISION) END AS w_n11
    FROM (SELECT e.lead_id, e.activity, a.as_of_day - e.event_day AS age FROM events_in e CROSS JOIN as_of a) e
),
-- Decayed weights added one at a time from the largest to the smallest: a running sum in that order
event_running_sums AS (
    SELECT event_weights.*,
        SUM(w_n2) OVER (PARTITION BY lead_id ORDER BY w_n2 DESC NULLS LAST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS run_n2
    FROM event_weights
),
-- The effective count of each activity the model reads, per lead (§4.3)
activity_counts AS (
    SELECT lead_id,
        COALESCE(CAST(COUNT(w_n1) AS DOUBLE PRECISION), CAST(0 AS DOUBLE PRECISION)) AS n1,
        COALESCE(MAX(run_n2), CAST(0 AS DOUBLE PRECISION)) AS n2,
        COALESCE(CAST(COUNT(w_n3) AS DOUBLE PRECISION), CAST(0 AS DOUBLE PRECISION)) AS n3,
        COALESCE(CAST(COUNT(w_n4) AS DOUBLE PRECISION), CAST(0 AS DOUBLE PRECISION)) AS n4,
        COALESCE(CAST(COUNT(w_n5) AS DOUBLE PRECISION), CAST(0 AS DOUBLE PRECISION)) AS n5,
        COALESCE(CAST(COUNT(w_n6) AS DOUBLE PRECISION), CAST(0 AS DOUBLE PRECISION)) AS n6,
        COALESCE(CAST(COUNT(w_n7) AS DOUBLE PRECISION), CAST(0 AS DOUBLE PRECISION)) AS n7,
        COALESCE(CAST(COUNT(w_n8) AS DOUBLE PRECISION), CAST(0 AS DOUBLE PRECISION)) AS n8,
        COALESCE(CAST(COUNT(w_n9) AS DOUBLE PRECISION), CAST(0 AS DOUBLE PRECISION)) AS n9,
        COALESCE(CAST(COUNT(w_n10) AS DOUBLE PRECISION), CAST(0 AS DOUBLE PRECISION)) AS n10,
        COALESCE(CAST(COUNT(w_n11) AS DOUBLE PRECISION), CAST(0 AS DOUBLE PRECISION)) AS n11
    FROM event_running_sums
    GROUP BY lead_id
),
-- Each rule for each lead: whether a fit rule or an override holds (§4.1, §4.7), an activity's count and an engagement rule's points after its cap (§4.3, §4.4)
rule_results AS MATERIALIZED (
    SELECT
        l.lead_id,
        -- fit-senior-title: Senior decision maker (why: Sales closes with budget holders; managers rarely sign.)
        COALESCE(l.c1 IS NOT NULL AND LOWER(l.c1) NOT IN ('-', '--', 'n/a', 'na', 'none', 'not available', 'not provided', 'not specified', 'null', 'select', 'unknown') AND ((LOWER(l.c1) ~ '(^|[^[:alnum:]])chief($|[^[:alnum:]])') OR (LOWER(l.c1) ~ '(^|[^[:alnum:]])vp($|[^[:alnum:]])') OR (LOWER(l.c1) ~ '(^|[^[:alnum:]])head of($|[^[:alnum:]])') OR (LOWER(l.c1) ~ '(^|[^[:alnum:]])director($|[^[:alnum:]])') OR (LOWER(l.c1) ~ '(^|[^[:alnum:]])founder($|[^[:alnum:]])')), FALSE) AS fit_1,
        -- fit-manager-title: Manager (why: Managers often run the evaluation for their director.)
        COALESCE(l.c1 IS NOT NULL AND LOWER(l.c1) NOT IN ('-', '--', 'n/a', 'na', 'none', 'not available', 'not provided', 'not specified', 'null', 'select', 'unknown') AND ((LOWER(l.c1) ~ '(^|[^[:alnum:]])manager($|[^[:alnum:]])')), FALSE) AS fit_2,
        -- fit-core-industry: Core industry (why: Three quarters of won deals last year came from these industries.)
        COALESCE(l.c2 IS NOT NULL AND LOWER(l.c2) NOT IN ('-', '--', 'n/a', 'na', 'none', 'not available', 'not provided', 'not specified', 'null', 'select', 'unknown') AND (LOWER(l.c2) IN ('software', 'fintech', 'healthcare')), FALSE) AS fit_3,
        -- fit-adjacent-industry: Adjacent industry (why: Winnable, with longer cycles.)
        COALESCE(l.c2 IS NOT NULL AND LOWER(l.c2) NOT IN ('-', '--', 'n/a', 'na', 'none', 'not available', 'not provided', 'not specified', 'null', 'select', 'unknown') AND (LOWER(l.c2) IN ('professional services', 'manufacturing', 'logistics')), FALSE) AS fit_4,
        -- fit-company-size: Mid-market size (200-5,000) (why: The sweet spot of the sales team's deal size.)
        COALESCE(l.c3 IS NOT NULL AND (CASE WHEN (l.c3 ~ '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?0*[0-9]{1,3})?$') THEN CASE WHEN CASE WHEN abs(CAST(l.c3 AS NUMERIC)) >= 1.7976931348623158e308 THEN NULL WHEN abs(CAST(l.c3 AS NUMERIC)) < 2.4703282292062328e-324 THEN CAST(0 AS DOUBLE PRECISION) ELSE CAST(l.c3 AS DOUBLE PRECISION) END BETWEEN -CAST('1.7976931348623157e308' AS DOUBLE PRECISION) AND CAST('1.7976931348623157e308' AS DOUBLE PRECISION) THEN CASE WHEN abs(CAST(l.c3 AS NUMERIC)) >= 1.7976931348623158e308 THEN NULL WHEN abs(CAST(l.c3 AS NUMERIC)) < 2.4703282292062328e-324 THEN CAST(0 AS DOUBLE PRECISION) ELSE CAST(l.c3 AS DOUBLE PRECISION) END END END >= CAST(200 AS DOUBLE PRECISION) AND CASE WHEN (l.c3 ~ '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?0*[0-9]{1,3})?$') THEN CASE WHEN CASE WHEN abs(CAST(l.c3 AS NUMERIC)) >= 1.7976931348623158e308 THEN NULL WHEN abs(CAST(l.c3 AS NUMERIC)) < 2.4703282292062328e-324 THEN CAST(0 AS DOUBLE PRECISION) ELSE CAST(l.c3 AS DOUBLE PRECISION) END BETWEEN -CAST('1.7976931348623157e308' AS DOUBLE PRECISION) AND CAST('1.7976931348623157e308' AS DOUBLE PRECISION) THEN CASE WHEN abs(CAST(l.c3 AS NUMERIC)) >= 1.7976931348623158e308 THEN NULL WHEN abs(CAST(l.c3 AS NUMERIC)) < 2.4703282292062328e-324 THEN CAST(0 AS DOUBLE PRECISION) ELSE CAST(l.c3 AS DOUBLE PRECISION) END END END <= CAST(5000 AS DOUBLE PRECISION)), FALSE) AS fit_5,
        -- fit-small-company: Small company (50-199) (why: Self-serve plus a light sales touch.)
        COALESCE(l.c3 IS NOT NULL AND (CASE WHEN (l.c3 ~ '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?0*[0-9]{1,3})?$') THEN CASE WHEN CASE WHEN abs(CAST(l.c3 AS NUMERIC)) >= 1.7976931348623158e308 THEN NULL WHEN abs(CAST(l.c3 AS NUMERIC)) < 2.4703282292062328e-324 THEN CAST(0 AS DOUBLE PRECISION) ELSE CAST(l.c3 AS DOUBLE PRECISION) END BETWEEN -CAST('1.7976931348623157e308' AS DOUBLE PRECISION) AND CAST('1.7976931348623157e308' AS DOUBLE PRECISION) THEN CASE WHEN abs(CAST(l.c3 AS NUMERIC)) >= 1.7976931348623158e308 THEN NULL WHEN abs(CAST(l.c3 AS NUMERIC)) < 2.4703282292062328e-324 THEN CAST(0 AS DOUBLE PRECISION) ELSE CAST(l.c3 AS DOUBLE PRECISION) END END END >= CAST(50 AS DOUBLE PRECISION) AND CASE WHEN (l.c3 ~ '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?0*[0-9]{1,3})?$') THEN CASE WHEN CASE WHEN abs(CAST(l.c3 AS NUMERIC)) >= 1.7976931348623158e308 THEN NULL WHEN abs(CAST(l.c3 AS NUMERIC)) < 2.4703282292062328e-324 THEN CAST(0 AS DOUBLE PRECISION) ELSE CAST(l.c3 AS DOUBLE PRECISION) END BETWEEN -CAST('1.7976931348623157e308' AS DOUBLE PRECISION) AND CAST('1.7976931348623157e308' AS DOUBLE PRECISION) THEN CASE WHEN abs(CAST(l.c3 AS NUMERIC)) >= 1.7976931348623158e308 THEN NULL WHEN abs(CAST(l.c3 AS NUMERIC)) < 2.4703282292062328e-324 THEN CAST(0 AS DOUBLE PRECISION) ELSE CAST(l.c3 AS DOUBLE PRECISION) END END END <= CAST(199 AS DOUBLE PRECISION)), FALSE) AS fit_6,
        -- fit-target-account: Target account (why: Named accounts on the ABM list.)
        COALESCE(l.c4 IS NOT NULL AND (TRANSLATE(l.c4, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') IN ('true', 'yes', 'y', '1', 'x')), FALSE) AS fit_7,
        -- fit-free-mail: Free-mail address (why: Personal addresses rarely belong to a buying committee.)
        COALESCE(l.c5 IS NOT NULL AND LOWER(l.c5) NOT IN ('-', '--', 'n/a', 'na', 'none', 'not available', 'not provided', 'not specified', 'null', 'select', 'unknown') AND ((LOWER(l.c5) ~ '@gmail\.') OR (LOWER(l.c5) ~ '@yahoo\.') OR (LOWER(l.c5) ~ '@hotmail\.') OR (LOWER(l.c5) ~ '@outlook\.')), FALSE) AS fit_8,
        -- fit-student: Student or intern (why: Not buyers.)
        COALESCE(l.c1 IS NOT NULL AND LOWER(l.c1) NOT IN ('-', '--', 'n/a', 'na', 'none', 'not available', 'not provided', 'not specified', 'null', 'select', 'unknown') AND ((LOWER(l.c1) ~ '(^|[^[:alnum:]])student($|[^[:alnum:]])') OR (LOWER(l.c1) ~ '(^|[^[:alnum:]])intern($|[^[:alnum:]])') OR (LOWER(l.c1) ~ '(^|[^[:alnum:]])trainee($|[^[:alnum:]])')), FALSE) AS fit_9,
        -- eng-pricing: Pricing page visit (why: The strongest intent signal on the website.)
        COALESCE(a.n1, CAST(0 AS DOUBLE PRECISION)) AS count_1,
        -- eng-webinar: Attended a webinar (why: An hour spent with us; worth less as it ages.)
        COALESCE(a.n2, CAST(0 AS DOUBLE PRECISION)) AS count_2,
        -- eng-content: Downloaded a whitepaper (why: Research phase.)
        COALESCE(a.n3, CAST(0 AS DOUBLE PRECISION)) AS count_3,
        -- eng-ebook: Downloaded an eBook (why: Early interest; counts once.)
        COALESCE(a.n4, CAST(0 AS DOUBLE PRECISION)) AS count_4,
        -- eng-case-study: Read case studies (why: Looking for proof: a late-stage signal.)
        COALESCE(a.n5, CAST(0 AS DOUBLE PRECISION)) AS count_5,
        -- eng-email-click: Email clicks (why: Light engagement, capped so newsletters cannot make an MQL.)
        COALESCE(a.n6, CAST(0 AS DOUBLE PRECISION)) AS count_6,
        -- eng-email-opens: 5+ email opens (why: Opens are noisy (privacy proxies); only a streak counts.)
        COALESCE(a.n7, CAST(0 AS DOUBLE PRECISION)) AS count_7,
        -- eng-trial: Started a trial (why: Hands on the product.)
        COALESCE(a.n8, CAST(0 AS DOUBLE PRECISION)) AS count_8,
        -- eng-booth: 3+ booth sessions (why: Came back to the booth three times at the trade show.)
        COALESCE(a.n9, CAST(0 AS DOUBLE PRECISION)) AS count_9,
        -- eng-unsubscribe: Unsubscribed (why: Asked us to stop emailing.)
        COALESCE(a.n10, CAST(0 AS DOUBLE PRECISION)) AS count_10,
        -- dq-competitor: Competitor (why: Competitors research us; they never buy.)
        (COALESCE(l.c6 IS NOT NULL AND (TRANSLATE(l.c6, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') IN ('true', 'yes', 'y', '1', 'x')), FALSE)) AS override_1,
        -- dq-customer: Existing customer (why: Customers go to account management, not to new business.)
        (COALESCE(l.c7 IS NOT NULL AND (TRANSLATE(l.c7, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') IN ('true', 'yes', 'y', '1', 'x')), FALSE)) AS override_2,
        -- ft-demo-request: Demo request (why: A hand-raiser: call within the hour.)
        (COALESCE(a.n11, CAST(0 AS DOUBLE PRECISION)) >= CAST(1 AS DOUBLE PRECISION)) AS override_3
    FROM leads_read l LEFT JOIN activity_counts a ON a.lead_id = l.lead_id
),
-- Each engagement rule's points from its count: counting mode, then the rule's cap (§4.4)
rule_points AS (
    SELECT
        rule_results.*,
        -- eng-pricing
        CASE WHEN count_1 > CAST('1e300' AS DOUBLE PRECISION) THEN CAST(24 AS DOUBLE PRECISION) ELSE CASE WHEN CAST(8 AS DOUBLE PRECISION) * count_1 < CAST(-24 AS DOUBLE PRECISION) THEN CAST(-24 AS DOUBLE PRECISION) WHEN CAST(8 AS DOUBLE PRECISION) * count_1 > CAST(24 AS DOUBLE PRECISION) THEN CAST(24 AS DOUBLE PRECISION) ELSE CAST(8 AS DOUBLE PRECISION) * count_1 END END AS eng_1,
        -- eng-webinar
        CASE WHEN count_2 > CAST('1e300' AS DOUBLE PRECISION) THEN CAST(20 AS DOUBLE PRECISION) ELSE CASE WHEN CAST(10 AS DOUBLE PRECISION) * count_2 < CAST(-20 AS DOUBLE PRECISION) THEN CAST(-20 AS DOUBLE PRECISION) WHEN CAST(10 AS DOUBLE PRECISION) * count_2 > CAST(20 AS DOUBLE PRECISION) THEN CAST(20 AS DOUBLE PRECISION) ELSE CAST(10 AS DOUBLE PRECISION) * count_2 END END AS eng_2,
        -- eng-content
        CASE WHEN count_3 > CAST('1e300' AS DOUBLE PRECISION) THEN CAST(15 AS DOUBLE PRECISION) ELSE CASE WHEN CAST(5 AS DOUBLE PRECISION) * count_3 < CAST(-15 AS DOUBLE PRECISION) THEN CAST(-15 AS DOUBLE PRECISION) WHEN CAST(5 AS DOUBLE PRECISION) * count_3 > CAST(15 AS DOUBLE PRECISION) THEN CAST(15 AS DOUBLE PRECISION) ELSE CAST(5 AS DOUBLE PRECISION) * count_3 END END AS eng_3,
        -- eng-ebook
        CASE WHEN CAST(5 AS DOUBLE PRECISION) * CASE WHEN count_4 < CAST(1 AS DOUBLE PRECISION) THEN count_4 ELSE CAST(1 AS DOUBLE PRECISION) END < CAST(-1000000000000 AS DOUBLE PRECISION) THEN CAST(-1000000000000 AS DOUBLE PRECISION) WHEN CAST(5 AS DOUBLE PRECISION) * CASE WHEN count_4 < CAST(1 AS DOUBLE PRECISION) THEN count_4 ELSE CAST(1 AS DOUBLE PRECISION) END > CAST(1000000000000 AS DOUBLE PRECISION) THEN CAST(1000000000000 AS DOUBLE PRECISION) ELSE CAST(5 AS DOUBLE PRECISION) * CASE WHEN count_4 < CAST(1 AS DOUBLE PRECISION) THEN count_4 ELSE CAST(1 AS DOUBLE PRECISION) END END AS eng_4,
        -- eng-case-study
        CASE WHEN count_5 > CAST('1e300' AS DOUBLE PRECISION) THEN CAST(12 AS DOUBLE PRECISION) ELSE CASE WHEN CAST(4 AS DOUBLE PRECISION) * count_5 < CAST(-12 AS DOUBLE PRECISION) THEN CAST(-12 AS DOUBLE PRECISION) WHEN CAST(4 AS DOUBLE PRECISION) * count_5 > CAST(12 AS DOUBLE PRECISION) THEN CAST(12 AS DOUBLE PRECISION) ELSE CAST(4 AS DOUBLE PRECISION) * count_5 END END AS eng_5,
        -- eng-email-click
        CASE WHEN count_6 > CAST('1e300' AS DOUBLE PRECISION) THEN CAST(8 AS DOUBLE PRECISION) ELSE CASE WHEN CAST(2 AS DOUBLE PRECISION) * count_6 < CAST(-8 AS DOUBLE PRECISION) THEN CAST(-8 AS DOUBLE PRECISION) WHEN CAST(2 AS DOUBLE PRECISION) * count_6 > CAST(8 AS DOUBLE PRECISION) THEN CAST(8 AS DOUBLE PRECISION) ELSE CAST(2 AS DOUBLE PRECISION) * count_6 END END AS eng_6,
        -- eng-email-opens
        CASE WHEN CASE WHEN count_7 >= CAST(5 AS DOUBLE PRECISION) THEN CAST(3 AS DOUBLE PRECISION) ELSE CAST(0 AS DOUBLE PRECISION) END < CAST(-1000000000000 AS DOUBLE PRECISION) THEN CAST(-1000000000000 AS DOUBLE PRECISION) WHEN CASE WHEN count_7 >= CAST(5 AS DOUBLE PRECISION) THEN CAST(3 AS DOUBLE PRECISION) ELSE CAST(0 AS DOUBLE PRECISION) END > CAST(1000000000000 AS DOUBLE PRECISION) THEN CAST(1000000000000 AS DOUBLE PRECISION) ELSE CASE WHEN count_7 >= CAST(5 AS DOUBLE PRECISION) THEN CAST(3 AS DOUBLE PRECISION) ELSE CAST(0 AS DOUBLE PRECISION) END END AS eng_7,
        -- eng-trial
        CASE WHEN CAST(20 AS DOUBLE PRECISION) * CASE WHEN count_8 < CAST(1 AS DOUBLE PRECISION) THEN count_8 ELSE CAST(1 AS DOUBLE PRECISION) END < CAST(-1000000000000 AS DOUBLE PRECISION) THEN CAST(-1000000000000 AS DOUBLE PRECISION) WHEN CAST(20 AS DOUBLE PRECISION) * CASE WHEN count_8 < CAST(1 AS DOUBLE PRECISION) THEN count_8 ELSE CAST(1 AS DOUBLE PRECISION) END > CAST(1000000000000 AS DOUBLE PRECISION) THEN CAST(1000000000000 AS DOUBLE PRECISION) ELSE CAST(20 AS DOUBLE PRECISION) * CASE WHEN count_8 < CAST(1 AS DOUBLE PRECISION) THEN count_8 ELSE CAST(1 AS DOUBLE PRECISION) END END AS eng_8,
        -- eng-booth
        CASE WHEN CASE WHEN count_9 >= CAST(3 AS DOUBLE PRECISION) THEN CAST(15 AS DOUBLE PRECISION) ELSE CAST(0 AS DOUBLE PRECISION) END < CAST(-1000000000000 AS DOUBLE PRECISION) THEN CAST(-1000000000000 AS DOUBLE PRECISION) WHEN CASE WHEN count_9 >= CAST(3 AS DOUBLE PRECISION) THEN CAST(15 AS DOUBLE PRECISION) ELSE CAST(0 AS DOUBLE PRECISION) END > CAST(1000000000000 AS DOUBLE PRECISION) THEN CAST(1000000000000 AS DOUBLE PRECISION) ELSE CASE WHEN count_9 >= CAST(3 AS DOUBLE PRECISION) THEN CAST(15 AS DOUBLE PRECISION) ELSE CAST(0 AS DOUBLE PRECISION) END END AS eng_9,
        -- eng-unsubscribe
        CASE WHEN CAST(-15 AS DOUBLE PRECISION) * CASE WHEN count_10 < CAST(1 AS DOUBLE PRECISION) THEN count_10 ELSE CAST(1 AS DOUBLE PRECISION) END < CAST(-1000000000000 AS DOUBLE PRECISION) THEN CAST(-1000000000000 AS DOUBLE PRECISION) WHEN CAST(-15 AS DOUBLE PRECISION) * CASE WHEN count_10 < CAST(1 AS DOUBLE PRECISION) THEN count_10 ELSE CAST(1 AS DOUBLE PRECISION) END > CAST(1000000000000 AS DOUBLE PRECISION) THEN CAST(1000000000000 AS DOUBLE PRECISION) ELSE CAST(-15 AS DOUBLE PRECISION) * CASE WHEN count_10 < CAST(1 AS DOUBLE PRECISION) THEN count_10 ELSE CAST(1 AS DOUBLE PRECISION) END END AS eng_10
    FROM rule_results
),
-- The raw sub-scores: fit points of the rules that hold, engagement points, in model order (§4.2, §4.4); which overrides fired; the fired rule ids
raw_sums AS MATERIALIZED (
    SELECT lead_id,
        CAST(0 AS DOUBLE PRECISION)
            + CASE WHEN fit_1 THEN CAST(20 AS DOUBLE PRECISION) ELSE CAST(0 AS DOUBLE PRECISION) END
            + CASE WHEN fit_2 THEN CAST(10 AS DOUBLE PRECISION) ELSE CAST(0 AS DOUBLE PRECISION) END
            + CASE WHEN fit_3 THEN CAST(15 AS DOUBLE PRECISION) ELSE CAST(0 AS DOUBLE PRECISION) END
            + CASE WHEN fit_4 THEN CAST(7 AS DOUBLE PRECISION) ELSE CAST(0 AS DOUBLE PRECISION) END
            + CASE WHEN fit_5 THEN CAST(20 AS DOUBLE PRECISION) ELSE CAST(0 AS DOUBLE PRECISION) END
            + CASE WHEN fit_6 THEN CAST(10 AS DOUBLE PRECISION) ELSE CAST(0 AS DOUBLE PRECISION) END
            + CASE WHEN fit_7 THEN CAST(10 AS DOUBLE PRECISION) ELSE CAST(0 AS DOUBLE PRECISION) END
            + CASE WHEN fit_8 THEN CAST(-15 AS DOUBLE PRECISION) ELSE CAST(0 AS DOUBLE PRECISION) END
            + CASE WHEN fit_9 THEN CAST(-20 AS DOUBLE PRECISION) ELSE CAST(0 AS DOUBLE PRECISION) END AS fit_raw,
        CAST(0 AS DOUBLE PRECISION)
            + eng_1
            + eng_2
            + eng_3
            + eng_4
            + eng_5
            + eng_6
            + eng_7
            + eng_8
            + eng_9
            + eng_10 AS engagement_raw,
        (override_1 OR override_2) AS disqualified,
        (override_3) AS fast_tracked,
        concat_ws(';',
            CASE WHEN fit_1 THEN 'fit-senior-title' END,
            CASE WHEN fit_2 THEN 'fit-manager-title' END,
            CASE WHEN fit_3 THEN 'fit-core-industry' END,
            CASE WHEN fit_4 THEN 'fit-adjacent-industry' END,
            CASE WHEN fit_5 THEN 'fit-company-size' END,
            CASE WHEN fit_6 THEN 'fit-small-company' END,
            CASE WHEN fit_7 THEN 'fit-target-account' END,
            CASE WHEN fit_8 THEN 'fit-free-mail' END,
            CASE WHEN fit_9 THEN 'fit-student' END,
            CASE WHEN count_1 <> CAST(0 AS DOUBLE PRECISION) AND eng_1 <> CAST(0 AS DOUBLE PRECISION) THEN 'eng-pricing' END,
            CASE WHEN count_2 <> CAST(0 AS DOUBLE PRECISION) AND eng_2 <> CAST(0 AS DOUBLE PRECISION) THEN 'eng-webinar' END,
            CASE WHEN count_3 <> CAST(0 AS DOUBLE PRECISION) AND eng_3 <> CAST(0 AS DOUBLE PRECISION) THEN 'eng-content' END,
            CASE WHEN count_4 <> CAST(0 AS DOUBLE PRECISION) AND eng_4 <> CAST(0 AS DOUBLE PRECISION) THEN 'eng-ebook' END,
            CASE WHEN count_5 <> CAST(0 AS DOUBLE PRECISION) AND eng_5 <> CAST(0 AS DOUBLE PRECISION) THEN 'eng-case-study' END,
            CASE WHEN count_6 <> CAST(0 AS DOUBLE PRECISION) AND eng_6 <> CAST(0 AS DOUBLE PRECISION) THEN 'eng-email-click' END,
            CASE WHEN count_7 <> CAST(0 AS DOUBLE PRECISION) AND eng_7 <> CAST(0 AS DOUBLE PRECISION) THEN 'eng-email-opens' END,
            CASE WHEN count_8 <> CAST(0 AS DOUBLE PRECISION) AND eng_8 <> CAST(0 AS DOUBLE PRECISION) THEN 'eng-trial' END,
            CASE WHEN count_9 <> CAST(0 AS DOUBLE PRECISION) AND eng_9 <> CAST(0 AS DOUBLE PRECISION) THEN 'eng-booth' END,
            CASE WHEN count_10 <> CAST(0 AS DOUBLE PRECISION) AND eng_10 <> CAST(0 AS DOUBLE PRECISION) THEN 'eng-unsubscribe' END,
            CASE WHEN override_1 THEN 'dq-competitor' END,
            CASE WHEN override_2 THEN 'dq-customer' END,
            CASE WHEN override_3 THEN 'ft-demo-request' END) AS fired_rules
    FROM rule_points
),
-- Sub-scores clamped to [0, cap], in hundredths before rounding (§4.5)
capped AS (
    SELECT raw_sums.*,
        CASE WHEN fit_raw < CAST(0 AS DOUBLE PRECISION) THEN CAST(0 AS DOUBLE PRECISION) WHEN fit_raw > CAST(60 AS DOUBLE PRECISION) THEN CAST(60 AS DOUBLE PRECISION) ELSE fit_raw END * CAST(100 AS DOUBLE PRECISION) AS fit_hundredths,
        CASE WHEN engagement_raw < CAST(0 AS DOUBLE PRECISION) THEN CAST(0 AS DOUBLE PRECISION) WHEN engagement_raw > CAST(40 AS DOUBLE PRECISION) THEN CAST(40 AS DOUBLE PRECISION) ELSE engagement_raw END * CAST(100 AS DOUBLE PRECISION) AS engagement_hundredths
    FROM raw_sums
),
-- round2: the nearest hundredth, halves away from zero (§4.6)
subscores AS MATERIALIZED (
    SELECT capped.*,
        (CAST(FLOOR(fit_hundredths) AS DOUBLE PRECISION) + CASE WHEN fit_hundredths - CAST(FLOOR(fit_hundredths) AS DOUBLE PRECISION) >= CAST('5e-1' AS DOUBLE PRECISION) THEN CAST(1 AS DOUBLE PRECISION) ELSE CAST(0 AS DOUBLE PRECISION) END) / CAST(100 AS DOUBLE PRECISION) AS fit,
        (CAST(FLOOR(engagement_hundredths) AS DOUBLE PRECISION) + CASE WHEN engagement_hundredths - CAST(FLOOR(engagement_hundredths) AS DOUBLE PRECISION) >= CAST('5e-1' AS DOUBLE PRECISION) THEN CAST(1 AS DOUBLE PRECISION) ELSE CAST(0 AS DOUBLE PRECISION) END) / CAST(100 AS DOUBLE PRECISION) AS engagement
    FROM capped
),
-- The total before rounding, in exactly this order: the divisions, the products, the sum, times the scale (§4.6)
mixed AS (
    SELECT subscores.*,
        CAST(100 AS DOUBLE PRECISION) * (CAST('6e-1' AS DOUBLE PRECISION) * (fit / CAST(60 AS DOUBLE PRECISION)) + CASE WHEN (engagement / CAST(40 AS DOUBLE PRECISION)) <= CAST('5e-324' AS DOUBLE PRECISION) THEN CAST(0 AS DOUBLE PRECISION) ELSE CAST('4e-1' AS DOUBLE PRECISION) * (engagement / CAST(40 AS DOUBLE PRECISION)) END) * CAST(100 AS DOUBLE PRECISION) AS score_hundredths
    FROM subscores
),
-- The total, rounded (§4.6)
total AS MATERIALIZED (
    SELECT mixed.*,
        (CAST(FLOOR(score_hundredths) AS DOUBLE PRECISION) + CASE WHEN score_hundredths - CAST(FLOOR(score_hundredths) AS DOUBLE PRECISION) >= CAST('5e-1' AS DOUBLE PRECISION) THEN CAST(1 AS DOUBLE PRECISION) ELSE CAST(0 AS DOUBLE PRECISION) END) / CAST(100 AS DOUBLE PRECISION) AS score
    FROM mixed
),
-- The status (§4.8: overrides first, then the threshold with the gates, then the nurture band) and the grade (§4.9)
scored AS (
    SELECT total.*,
        CASE WHEN disqualified THEN 'disqualified'
             WHEN fast_tracked THEN 'mql_fast_track'
             WHEN score >= CAST(75 AS DOUBLE PRECISION) AND fit >= CAST(20 AS DOUBLE PRECISION) THEN 'mql'
             WHEN score >= CAST(60 AS DOUBLE PRECISION) THEN 'nurture'
             ELSE 'lead' END AS status,
        CASE WHEN fit >= CAST(45 AS DOUBLE PRECISION) THEN 'A' WHEN fit >= CAST(30 AS DOUBLE PRECISION) THEN 'B' WHEN fit >= CAST(15 AS DOUBLE PRECISION) THEN 'C' WHEN fit >= CAST(0 AS DOUBLE PRECISION) THEN 'D' ELSE 'D' END || CASE WHEN engagement >= CAST(30 AS DOUBLE PRECISION) THEN '1' WHEN engagement >= CAST(20 AS DOUBLE PRECISION) THEN '2' WHEN engagement >= CAST(10 AS DOUBLE PRECISION) THEN '3' WHEN engagement >= CAST(0 AS DOUBLE PRECISION) THEN '4' ELSE '4' END AS grade
    FROM total
)
SELECT lead_id AS id, fit, engagement, score, status, grade, fired_rules
FROM scored
