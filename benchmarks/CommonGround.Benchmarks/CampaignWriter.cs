using System.Globalization;
using DuckDB.NET.Data;

namespace CommonGround.Benchmarks;

/// <summary>
/// The campaigns of the generated store: N campaigns of six teams in January 2026 (one-off sends on a
/// day of the month, a fifth always on for the month), in the columns the campaign store writes, and
/// their target lists. A campaign targets 1-30 % of profiles (log-uniform: many small, a few large),
/// chosen as a band of one of two segment scores, so campaigns whose bands meet overlap heavily and
/// others hardly; 10 % of a list is its holdout and the 2 % of people in the global control group are
/// marked for marketing campaigns.
/// </summary>
static class CampaignWriter
{
    public static readonly DateTime From = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    public static readonly DateTime To = From.AddMonths(1);

    public static void Fill(DuckDBConnection connection, AudienceStoreGenerator.Settings s, Action<string, string> step)
    {
        var p = s.Profiles;
        var households = Math.Max(1, (long)(p / 2.2));
        var at = AudienceStoreGenerator.Sql(From);
        step("campaigns", $"""
            INSERT INTO campaigns (campaign_id, name, team, channel, category, audience_id, schedule_kind, starts_at, ends_at, cron, time_zone,
                priority, expected_value, holdout_share, holdout_salt, storyboard, status, created_by, created_at, updated_by, updated_at)
            SELECT 'cmp-' || lpad(c::VARCHAR, 3, '0'),
                ['CRM', 'Loyalty', 'E-commerce', 'Retention', 'Brand', 'Service'][1 + c % 6] || ' campaign ' || c,
                ['crm', 'loyalty', 'ecommerce', 'retention', 'brand', 'service'][1 + c % 6],
                ['email', 'email', 'sms', 'push', 'paidSocial', 'directMail', 'onSiteAd'][pick(c, 70, 7)],
                CASE WHEN c % 6 = 5 THEN 'transactional' ELSE 'marketing' END, NULL,
                CASE WHEN c % 5 = 0 THEN 'alwaysOn' ELSE 'oneOff' END,
                TIMESTAMP {at} + to_seconds(CASE WHEN c % 5 = 0 THEN 0 ELSE (pick(c, 71, 30) * 86400 + 9 * 3600) END),
                CASE WHEN c % 5 = 0 THEN TIMESTAMP {AudienceStoreGenerator.Sql(To)}
                     ELSE TIMESTAMP {at} + to_seconds(pick(c, 71, 30) * 86400 + 9 * 3600) END, NULL, NULL,
                pick(c, 72, 5), round(rnd(c, 73) * 5, 2), 0.1, 'salt-' || c, NULL, 'scheduled',
                'benchmark', TIMESTAMP '2025-12-01 00:00:00', 'benchmark', TIMESTAMP '2025-12-01 00:00:00'
            FROM range(1, {s.Campaigns + 1}) t(c)
            """);
        // Each campaign is a band [lo, lo + share) of a segment score (wrapping at 1), split in at most two intervals.
        step("campaign_targets", $"""
            INSERT INTO campaign_targets (campaign_id, profile_id, household_id, holdout, control)
            WITH c AS (
                SELECT 'cmp-' || lpad(c::VARCHAR, 3, '0') AS campaign_id, c, c % 2 AS axis, rnd(c, 74) AS lo,
                       0.01 * pow(30, rnd(c, 75)) AS share, c % 6 <> 5 AS marketing
                FROM range(1, {s.Campaigns + 1}) t(c)
            ), bands AS (
                SELECT campaign_id, c, axis, marketing, lo, least(lo + share, 1.0) AS hi FROM c
                UNION ALL SELECT campaign_id, c, axis, marketing, 0.0, lo + share - 1 FROM c WHERE lo + share > 1
            ), people AS (
                SELECT i, 0 AS axis, rnd(i, 60) AS score FROM range(1, {p + 1}) t(i)
                UNION ALL SELECT i, 1, rnd(i, 61) FROM range(1, {p + 1}) t(i)
            )
            SELECT b.campaign_id, x.i, CASE WHEN rnd(x.i, 40) < 0.92 THEN 'h' || pick(x.i, 41, {households}) END,
                   rnd(hash(x.i, b.c), 76) < 0.1, b.marketing AND rnd(x.i, 77) < 0.02
            FROM people x JOIN bands b ON x.axis = b.axis AND x.score >= b.lo AND x.score < b.hi
            """);
    }

    public static string Describe(DateTime t) => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
