using System.Data.Common;
using System.Text.Json;
using CommonGround.Campaigns;
using CommonGround.ContactPolicy;
using CommonGround.Identity;

namespace CommonGround.Storage;

/// <summary>
/// The rows of the contact policy's tables (0005_contact_policy.sql) as both providers write and read
/// them: same columns, same order, times in UTC. Values are plain CLR values (DateTimeOffset for
/// times, null for SQL NULL); each provider binds them its own way.
/// </summary>
public static class ContactPolicyRows
{
    public const string VersionColumns = "number, changed_by, changed_at, policy, note";

    public const string LedgerColumns =
        "profile_id, entry, change, recorded_at, message_at, expires_at, household_id, campaign_id, campaign_name, team, channel, category, priority, expected_value";

    public const string HeldBackColumns =
        "profile_id, message_at, decided_at, policy_version, campaign_id, campaign_name, team, channel, category, priority, expected_value, reasons";

    /// <summary>
    /// The rows of a profile and of every profile merged into it (its messages from before a merge stay
    /// under the absorbed profile's id), with the profile id bound to <paramref name="parameter"/>.
    /// </summary>
    public static string OfProfileAndAbsorbed(string parameter) =>
        $"(profile_id = {parameter} OR profile_id IN (SELECT profile_id FROM profile_survivors WHERE survivor_id = {parameter}))";

    public static object?[] Values(PolicyVersion v) =>
        [v.Number, v.ChangedBy, v.At, ContactPolicyJson.Serialize(v.Policy), v.Note];

    public static PolicyVersion Version(DbDataReader r) =>
        new(r.GetInt32(0), r.GetString(1), Time(r, 2), ContactPolicyJson.Deserialize(r.GetString(3)), r.IsDBNull(4) ? null : r.GetString(4));

    public static object?[] Values(LedgerChange c)
    {
        var m = c.Message;
        return
        [
            c.Entry.Profile.Value, c.Entry.Sequence, CampaignRules.Wire(c.Kind), c.RecordedAt, m?.At, m?.ExpiresAt, m?.Household,
            m?.Campaign.Id, m?.Campaign.Name, m?.Campaign.Team, m is null ? null : CampaignRules.Wire(m.Campaign.Channel),
            m is null ? null : CampaignRules.Wire(m.Campaign.Category), m?.Campaign.Priority, m?.Campaign.ExpectedValue,
        ];
    }

    public static LedgerChange Change(DbDataReader r)
    {
        var kind = Parse<LedgerChangeKind>(r.GetString(2));
        var message = r.IsDBNull(4) ? null : new LedgerMessage(Time(r, 4), r.IsDBNull(5) ? null : Time(r, 5), Text(r, 6), Facts(r, 7));
        return new LedgerChange(new ReservationId(new ProfileId(r.GetInt64(0)), r.GetInt64(1)), kind, Time(r, 3), message);
    }

    public static object?[] Values(HeldBackDecision d) =>
    [
        d.Profile.Value, d.At, d.DecidedAt, d.PolicyVersion, d.Campaign.Id, d.Campaign.Name, d.Campaign.Team,
        CampaignRules.Wire(d.Campaign.Channel), CampaignRules.Wire(d.Campaign.Category), d.Campaign.Priority, d.Campaign.ExpectedValue,
        JsonSerializer.Serialize(d.Reasons, JsonOptions),
    ];

    public static HeldBackDecision HeldBack(DbDataReader r) =>
        new(new ProfileId(r.GetInt64(0)), Facts(r, 4), Time(r, 1), Time(r, 2), r.GetInt32(3),
            JsonSerializer.Deserialize<HeldBackReason[]>(r.GetString(11), JsonOptions) ?? []);

    static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>Campaign facts from seven columns starting at <paramref name="at"/>: id, name, team, channel, category, priority, expected value.</summary>
    static CampaignFacts Facts(DbDataReader r, int at) =>
        new(r.GetString(at), r.GetString(at + 1), r.GetString(at + 2), Parse<Channel>(r.GetString(at + 3)),
            Parse<CampaignCategory>(r.GetString(at + 4)), r.GetInt32(at + 5), r.GetDecimal(at + 6));

    static DateTimeOffset Time(DbDataReader r, int i) => new(DateTime.SpecifyKind(r.GetDateTime(i), DateTimeKind.Utc));

    static string? Text(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    static T Parse<T>(string value) where T : struct, Enum =>
        CampaignRules.TryParse<T>(value, out var parsed) ? parsed
            : throw new InvalidOperationException($"A stored contact policy row has an unknown {typeof(T).Name} '{value}'.");
}
