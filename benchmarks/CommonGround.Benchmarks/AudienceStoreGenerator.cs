using System.Diagnostics;
using System.Globalization;
using System.Text;
using CommonGround.Storage.DuckDb;
using DuckDB.NET.Data;

namespace CommonGround.Benchmarks;

/// <summary>
/// Writes a large store for the audience and overlap benchmarks (<c>audiences-generate</c> mode)
/// directly in the product's schema: the store is opened through <see cref="DuckDbStore"/> so its
/// migrations apply, then the relations audiences and campaign overlap read are filled by set-based
/// SQL inside DuckDB (INSERT ... SELECT over <c>range()</c>), every pseudo-random choice a hash of
/// (row, purpose, seed). The same seed and sizes give the same rows: the checksum printed at the end
/// (counts and sums per relation, also written to <c>checksum.txt</c>) compares two runs.
/// </summary>
/// <remarks>
/// Shape: surviving profiles 1..P and 2 % more absorbed into them (events still carry the absorbed
/// id, as after a merge); households of about 2.2 people; identifiers (userId, anonymousId, e-mail,
/// phone); consents per channel and purpose; custom traits (loyalty tier, city, country, age, ...);
/// events over two years (2024-01-01 to 2026-01-01, growing over time, a November-December peak,
/// daytime-heavy), a few very active people and many occasional ones, written in time order as they
/// would arrive; and, when the store has campaigns (migration 0004), 100 campaigns of six teams in
/// January 2026 with target lists of 1-30 % of profiles that overlap where their segments do.
/// </remarks>
static class AudienceStoreGenerator
{
    /// <param name="CampaignsOnly">Add the campaigns to a store generated before the store had them (same seed and sizes).</param>
    public sealed record Settings(long Profiles, long Events, int Seed, string DataDirectory, int Campaigns, bool CampaignsOnly = false);

    /// <summary>The moment the generated history ends: audiences are evaluated as of then.</summary>
    public static readonly DateTime End = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    static readonly DateTime Start = End.AddYears(-2);

    public static async Task<int> RunAsync(Settings s)
    {
        if (!s.CampaignsOnly && Directory.Exists(s.DataDirectory) && Directory.EnumerateFileSystemEntries(s.DataDirectory).Any())
        {
            Console.Error.WriteLine($"The data folder '{s.DataDirectory}' is not empty; give a new one (the generator never overwrites).");
            return 2;
        }
        Console.WriteLine($"Generating {s.Profiles:N0} profiles and {s.Events:N0} events (seed {s.Seed}) into {s.DataDirectory}; load average {Machine.LoadAverage()}.");
        var total = Stopwatch.StartNew();
        await using (var store = DuckDbStore.Open(s.DataDirectory))
        {
            await store.MigrateAsync(CancellationToken.None);
        }
        using var connection = new DuckDBConnection($"Data Source={Path.Combine(s.DataDirectory, DuckDbStore.FileName)}");
        connection.Open();
        var g = new Writer(connection, s);
        if (s.CampaignsOnly) g.FillCampaigns();
        else g.Fill();
        var checksum = Checksum(connection);
        File.WriteAllText(Path.Combine(s.DataDirectory, "checksum.txt"), checksum);
        Console.WriteLine(checksum);
        connection.Close();
        var bytes = new DirectoryInfo(s.DataDirectory).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        Console.WriteLine($"Done in {total.Elapsed.TotalSeconds:F0} s; store files {bytes / 1e9:F2} GB; load average {Machine.LoadAverage()}.");
        return 0;
    }

    sealed class Writer(DuckDBConnection connection, Settings s)
    {
        readonly Stopwatch _clock = Stopwatch.StartNew();
        long P => s.Profiles;
        long Absorbed => Math.Max(1, s.Profiles / 50);
        long Households => Math.Max(1, (long)(s.Profiles / 2.2));

        void Run(string sql)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }

        void Step(string what, string sql)
        {
            var started = _clock.Elapsed;
            Run(sql);
            Console.WriteLine($"  {what,-22} {(_clock.Elapsed - started).TotalSeconds,7:F1} s   (total {_clock.Elapsed.TotalSeconds:F0} s, load {Machine.LoadAverage()})");
        }

        public void Fill()
        {
            Run("SET preserve_insertion_order = true");
            // rnd(k, purpose): a uniform number in [0, 1) from the row, the purpose and the seed.
            Run($"CREATE OR REPLACE TEMP MACRO rnd(k, purpose) AS ((hash(k, purpose, {s.Seed}) >> 11)::DOUBLE / 9007199254740992.0)");
            Run($"CREATE OR REPLACE TEMP MACRO pick(k, purpose, n) AS (1 + (hash(k, purpose, {s.Seed}) % n)::BIGINT)");
            WithoutKey("events");
            WithoutKey("profile_identifiers");
            Profiles();
            Events();
            Traits();
            if (HasCampaigns()) Campaigns();
            Step("checkpoint", "CHECKPOINT");
        }

        public void FillCampaigns()
        {
            Run($"CREATE OR REPLACE TEMP MACRO rnd(k, purpose) AS ((hash(k, purpose, {s.Seed}) >> 11)::DOUBLE / 9007199254740992.0)");
            Run($"CREATE OR REPLACE TEMP MACRO pick(k, purpose, n) AS (1 + (hash(k, purpose, {s.Seed}) % n)::BIGINT)");
            Run("DELETE FROM campaign_targets");
            Run("DELETE FROM campaigns");
            Campaigns();
            Step("checkpoint", "CHECKPOINT");
        }

        /// <summary>
        /// Recreates an empty table with the same columns and no primary key. The keys of events
        /// (source_id, message_id) and identifiers (type, value) only turn away duplicates at ingestion;
        /// no audience or overlap query reads them, and building their indexes row by row was most of
        /// the generation time (100 million events: hours on this machine).
        /// </summary>
        void WithoutKey(string table)
        {
            Run($"CREATE TABLE {table}_generated AS FROM {table} LIMIT 0");
            Run($"DROP TABLE {table}");
            Run($"ALTER TABLE {table}_generated RENAME TO {table}");
        }

        void Profiles()
        {
            var created = Sql(Start);
            Step("profiles", $"""
                INSERT INTO profiles (profile_id, created_at, founding_observation, merged_into, retired)
                SELECT i, TIMESTAMP {created} + to_seconds(floor(rnd(i, 1) * 63072000)::BIGINT), i,
                       CASE WHEN i > {P} THEN pick(i, 2, {P}) END, false
                FROM range(1, {P + Absorbed + 1}) t(i)
                """);
            Step("profile_survivors", $"INSERT INTO profile_survivors SELECT profile_id, merged_into FROM profiles WHERE merged_into IS NOT NULL");
            // Every survivor has an anonymous id; most a userId; many an e-mail; some a phone. Absorbed
            // profiles' identifiers moved to their survivor with the merge.
            Step("profile_identifiers", $"""
                INSERT INTO profile_identifiers (type, value, profile_id, business_id)
                SELECT 'anonymousId', 'a-' || i, i, NULL FROM range(1, {P + 1}) t(i)
                UNION ALL SELECT 'userId', 'u' || i, i, NULL FROM range(1, {P + 1}) t(i) WHERE rnd(i, 3) < 0.75
                UNION ALL SELECT 'email', 'person' || i || '@example.org', i, NULL FROM range(1, {P + 1}) t(i) WHERE rnd(i, 4) < 0.70
                UNION ALL SELECT 'phone', '+3247' || lpad((i % 10000000)::VARCHAR, 7, '0') || '-' || (i // 10000000), i, NULL
                    FROM range(1, {P + 1}) t(i) WHERE rnd(i, 5) < 0.35
                """);
        }

        /// <summary>
        /// Events in 73 slices of ten days, each inserted in time order: later slices hold more
        /// (the business grows 150 % over two years, Black Friday to Christmas adds 60 %).
        /// </summary>
        void Events()
        {
            const int slices = 73;
            var weights = Enumerable.Range(0, slices).Select(k =>
            {
                var day = Start.AddDays(k * 10);
                var peak = day.Month == 12 || (day.Month == 11 && day.Day >= 15) ? 1.6 : 1.0;
                return (1 + 1.5 * k / slices) * peak;
            }).ToArray();
            var sum = weights.Sum();
            long first = 0;
            Console.WriteLine($"  events: {slices} slices of ten days");
            var started = _clock.Elapsed;
            for (var k = 0; k < slices; k++)
            {
                var count = k == slices - 1 ? s.Events - first : (long)Math.Round(s.Events * weights[k] / sum);
                var from = Start.AddDays(k * 10);
                var seconds = (long)((k == slices - 1 ? End : from.AddDays(10)) - from).TotalSeconds;
                Run(EventSlice(first, first + count, from, seconds));
                first += count;
                var elapsed = (_clock.Elapsed - started).TotalSeconds;
                if (k % 6 == 5 || k == slices - 1)
                {
                    Console.WriteLine($"    {first,13:N0} / {s.Events:N0} events ({100.0 * first / s.Events:F0} %), {elapsed:F0} s, " +
                        $"~{(s.Events - first) * elapsed / Math.Max(1, first):F0} s to go, load {Machine.LoadAverage()}");
                }
            }
        }

        string EventSlice(long first, long end, DateTime from, long seconds) => $$"""
            INSERT INTO events (source_id, message_id, type, name, category, user_id, anonymous_id, group_id, previous_id,
                timestamp, original_timestamp, sent_at, received_at, context, properties, traits, integrations, seq, profile_id)
            WITH r AS (
                SELECT i, rnd(i, 10) AS who, rnd(i, 11) AS kind, rnd(i, 12) AS day, rnd(i, 13) AS h1, rnd(i, 14) AS h2, rnd(i, 15) AS val
                FROM range({{first}}, {{end}}) t(i)
            ), w AS (
                SELECT i, kind, val,
                    CASE WHEN rnd(i, 16) < 0.02 THEN {{P}} + pick(i, 17, {{Absorbed}})
                         ELSE least({{P}}, 1 + floor({{P}} * pow(who, 2.2))::BIGINT) END AS pid,
                    TIMESTAMP {{Sql(from)}} + to_seconds(least({{seconds - 1}}, floor(day * {{seconds / 86400}}) * 86400 + floor((h1 + h2) * 43200))::BIGINT) AS ts,
                    CASE WHEN kind < 0.28 THEN 'page' WHEN kind < 0.93 THEN 'track' WHEN kind < 0.97 THEN 'screen' ELSE 'identify' END AS type,
                    CASE WHEN kind < 0.28 THEN ['Home', 'Product', 'Category', 'Search', 'Cart', 'Account'][pick(i, 18, 6)]
                         WHEN kind < 0.52 THEN 'Product Viewed'
                         WHEN kind < 0.60 THEN 'Added to Cart'
                         WHEN kind < 0.63 THEN 'Checkout Started'
                         WHEN kind < 0.655 THEN 'Order Completed'
                         WHEN kind < 0.77 THEN 'Email Opened'
                         WHEN kind < 0.81 THEN 'Email Clicked'
                         WHEN kind < 0.86 THEN 'Products Searched'
                         WHEN kind < 0.88 THEN 'Signed In'
                         WHEN kind < 0.91 THEN 'Promotion Viewed'
                         WHEN kind < 0.93 THEN 'Coupon Applied'
                         WHEN kind < 0.97 THEN ['Home', 'Basket', 'Product'][pick(i, 18, 3)]
                    END AS name
                FROM r
            )
            SELECT CASE WHEN name LIKE 'Email%' THEN 'src-email' WHEN type = 'screen' THEN 'src-app' ELSE 'src-web' END,
                'm' || i, type, name, NULL,
                CASE WHEN rnd(i, 19) < 0.65 AND pid <= {{P}} THEN 'u' || pid END,
                'a-' || pid, NULL, NULL, ts, ts, ts + INTERVAL 1 SECOND, ts + INTERVAL 2 SECOND,
                ['{"library":{"name":"analytics.js","version":"4.1.0"},"locale":"nl-BE"}',
                 '{"library":{"name":"analytics.js","version":"4.1.0"},"locale":"fr-BE"}',
                 '{"library":{"name":"analytics-ios","version":"4.1.8"},"locale":"nl-BE"}'][pick(i, 20, 3)],
                CASE name
                    WHEN 'Order Completed' THEN '{"order_id":"o' || i || '","revenue":' || round(12 + 260 * val * val, 2)::DECIMAL(10, 2) || ',"currency":"EUR","products":' || pick(i, 21, 6) || '}'
                    WHEN 'Product Viewed' THEN '{"product_id":"p' || pick(i, 22, 20000) || '","price":' || round(5 + 120 * val, 2)::DECIMAL(10, 2) || '}'
                    WHEN 'Added to Cart' THEN '{"product_id":"p' || pick(i, 22, 20000) || '","quantity":' || pick(i, 23, 3) || '}'
                    WHEN 'Email Opened' THEN '{"campaign":"c' || pick(i, 24, 400) || '"}'
                    WHEN 'Email Clicked' THEN '{"campaign":"c' || pick(i, 24, 400) || '"}'
                    WHEN 'Products Searched' THEN '{"query":"q' || pick(i, 25, 5000) || '"}'
                END,
                CASE WHEN type = 'identify' THEN '{"plan":"' || ['free', 'plus', 'family'][pick(pid, 26, 3)] || '"}' END,
                NULL, i + 1, pid
            FROM w ORDER BY ts
            """;

        void Traits()
        {
            // Consents: most people made a choice per channel; e-mail marketing is granted by 62 %.
            Step("profile_consents", $"""
                INSERT INTO profile_consents (profile_id, channel, purpose, granted, changed_at)
                SELECT i, c.channel, c.purpose, rnd(i, c.salt) < c.share, TIMESTAMP {Sql(Start)} + to_seconds(floor(rnd(i, c.salt + 100) * 63072000)::BIGINT)
                FROM range(1, {P + 1}) t(i),
                     (VALUES ('email', 'marketing', 30, 0.62), ('sms', 'marketing', 31, 0.28), ('push', 'marketing', 32, 0.35), ('email', 'service', 33, 0.97)) c(channel, purpose, salt, share)
                WHERE rnd(i, c.salt + 200) < 0.9
                """);
            // Computed traits from the person's events (absorbed profiles' included), as the product computes them.
            Step("profile_traits", $$"""
                INSERT INTO profile_traits (profile_id, household_id, display_name, email, first_seen, last_seen, event_count, order_count, revenue, currency, channels, traits)
                WITH a AS (
                    SELECT coalesce(s.survivor_id, e.profile_id) AS pid, min(e.timestamp) AS f, max(e.timestamp) AS l, count(*) AS n,
                        count(*) FILTER (WHERE e.name = 'Order Completed') AS o,
                        sum(CAST(json_extract_string(e.properties, '$.revenue') AS DECIMAL(18, 4))) FILTER (WHERE e.name = 'Order Completed') AS r,
                        bool_or(e.source_id = 'src-email') AS mail, bool_or(e.source_id = 'src-app') AS app
                    FROM events e LEFT JOIN profile_survivors s ON s.profile_id = e.profile_id
                    GROUP BY 1
                )
                SELECT i, CASE WHEN rnd(i, 40) < 0.92 THEN 'h' || pick(i, 41, {{Households}}) END,
                    'Person ' || i, CASE WHEN rnd(i, 4) < 0.70 THEN 'person' || i || '@example.org' END,
                    a.f, a.l, coalesce(a.n, 0), coalesce(a.o, 0), coalesce(a.r, 0), CASE WHEN a.o > 0 THEN 'EUR' END,
                    ',' || CASE WHEN a.mail THEN 'email,' ELSE '' END || CASE WHEN a.app THEN 'app,' ELSE '' END || 'web,',
                    '{' || CASE WHEN rnd(i, 42) < 0.5 THEN ''
                        ELSE '"loyalty_tier":"' || CASE WHEN rnd(i, 43) < 0.50 THEN 'bronze' WHEN rnd(i, 43) < 0.80 THEN 'silver' WHEN rnd(i, 43) < 0.96 THEN 'gold' ELSE 'platinum' END || '",' END
                    || '"city":"' || ['Antwerpen', 'Gent', 'Brussel', 'Leuven', 'Brugge', 'Liège', 'Namur', 'Mechelen', 'Hasselt', 'Kortrijk', 'Charleroi', 'Aalst'][pick(i, 44, 12)]
                    || '","country":"' || CASE WHEN rnd(i, 45) < 0.72 THEN 'BE' WHEN rnd(i, 45) < 0.87 THEN 'NL' WHEN rnd(i, 45) < 0.96 THEN 'FR' ELSE 'DE' END
                    || '","age":' || (18 + pick(i, 46, 62))
                    || ',"newsletter":' || CASE WHEN rnd(i, 47) < 0.4 THEN 'true' ELSE 'false' END || '}'
                FROM range(1, {{P + 1}}) t(i) LEFT JOIN a ON a.pid = i
                ORDER BY i
                """);
            Step("household_traits", """
                INSERT INTO household_traits (household_id, members, order_count, revenue, last_seen)
                SELECT household_id, count(*), sum(order_count), sum(revenue), max(last_seen) FROM profile_traits
                WHERE household_id IS NOT NULL GROUP BY household_id
                """);
            var businesses = Math.Max(1, P / 200);
            Step("businesses", $$"""
                INSERT INTO businesses (business_id, key, name, domain, traits)
                SELECT 'b' || i, 'domain:company' || i || '.example', 'Company ' || i, 'company' || i || '.example',
                       '{"employees":' || pick(i, 50, 5000) || '}'
                FROM range(1, {{businesses + 1}}) t(i)
                """);
            Step("profile_businesses", $"""
                INSERT INTO profile_businesses (profile_id, business_id)
                SELECT i, 'b' || pick(i, 51, {businesses}) FROM range(1, {P + 1}) t(i) WHERE rnd(i, 52) < 0.06
                """);
        }

        bool HasCampaigns()
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM information_schema.tables WHERE table_name = 'campaign_targets'";
            return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) > 0;
        }

        void Campaigns() => CampaignWriter.Fill(connection, s, Step);
    }

    /// <summary>Under the system's temporary folder, never inside the repository.</summary>
    public static string DefaultDirectory(long profiles) => Path.Combine(Path.GetTempPath(), $"commonground-audiences-{profiles}");

    public static string Sql(DateTime t) => "'" + t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "'";

    /// <summary>Counts and sums per relation: equal for two runs with the same seed and sizes.</summary>
    public static string Checksum(DuckDBConnection connection)
    {
        var queries = new List<(string, string)>
        {
            ("profiles", "SELECT count(*), sum(profile_id), sum(coalesce(merged_into, 0)), sum(epoch(created_at)::BIGINT) FROM profiles"),
            ("profile_identifiers", "SELECT count(*), sum(profile_id), sum(length(value)), count(DISTINCT type) FROM profile_identifiers"),
            ("events", "SELECT count(*), sum(profile_id), sum(epoch(timestamp)::BIGINT), sum(length(coalesce(properties, '')) + length(coalesce(name, ''))) FROM events"),
            ("profile_traits", "SELECT count(*), sum(event_count), sum(revenue)::BIGINT, sum(length(traits) + length(coalesce(household_id, ''))) FROM profile_traits"),
            ("profile_consents", "SELECT count(*), sum(profile_id), count(*) FILTER (WHERE granted), sum(epoch(changed_at)::BIGINT) FROM profile_consents"),
            ("household_traits", "SELECT count(*), sum(members), sum(order_count), sum(revenue)::BIGINT FROM household_traits"),
            ("profile_businesses", "SELECT count(*), sum(profile_id), sum(length(business_id)), 0 FROM profile_businesses"),
        };
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT count(*) FROM information_schema.tables WHERE table_name = 'campaign_targets'";
            if (Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) > 0)
            {
                queries.Add(("campaigns", "SELECT count(*), count(DISTINCT team), sum(epoch(starts_at)::BIGINT), sum(length(name)) FROM campaigns"));
                queries.Add(("campaign_targets", "SELECT count(*), sum(profile_id), count(*) FILTER (WHERE holdout), count(*) FILTER (WHERE control) FROM campaign_targets"));
            }
        }
        var text = new StringBuilder("checksum (relation: rows, sums)\n");
        foreach (var (name, sql) in queries)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            using var r = command.ExecuteReader();
            r.Read();
            var values = Enumerable.Range(0, r.FieldCount).Select(i => r.IsDBNull(i) ? "null" : Convert.ToString(r.GetValue(i), CultureInfo.InvariantCulture));
            text.AppendLine(CultureInfo.InvariantCulture, $"  {name,-20} {string.Join(" ", values)}");
        }
        return text.ToString();
    }
}
