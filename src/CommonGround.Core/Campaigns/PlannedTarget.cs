using CommonGround.ContactPolicy;
using CommonGround.Identity;
using CommonGround.Storage;

namespace CommonGround.Campaigns;

/// <summary>
/// A person a campaign will contact (not held out, not in the control group), as the what-if
/// simulator reads it: the campaign's position in the list asked for, the person's household, their
/// latest marketing consent per channel, and the stored suppression lists they are on. A value type,
/// so millions stream without garbage (the lists are one shared array per distinct set, null for none).
/// </summary>
public readonly record struct PlannedTarget(ProfileId Profile, string? HouseholdId, int Campaign, ChannelConsents Consents,
    IReadOnlyList<string>? SuppressionLists = null, string? TimeZone = null)
{
    /// <summary>
    /// The query both stores run, over a relation <paramref name="campaigns"/> of (campaign_id, i),
    /// i the campaign's position from 0. Columns: profile_id, household_id, i, then the consent to
    /// marketing by e-mail, SMS, phone, push and post as 1 (granted), 2 (refused) or null (unknown),
    /// then the person's suppression lists (<see cref="SuppressionRows.ListsPerProfile"/>: names joined by
    /// a line break, null for none; a target merged into another profile since counts as that profile),
    /// then the person's time zone (null when unknown).
    /// Ordered by profile, so a reader sees each person's rows together.
    /// </summary>
    public static string Sql(string campaigns) =>
        "WITH t AS (SELECT ct.profile_id, ct.household_id, pc.i FROM campaign_targets ct " +
        $"JOIN {campaigns} pc ON pc.campaign_id = ct.campaign_id WHERE NOT ct.holdout AND NOT ct.control), " +
        "c AS (SELECT profile_id, " + string.Join(", ", ConsentChannels.Select(ch =>
            $"max(CASE WHEN channel = '{ch.Name}' THEN CASE WHEN granted THEN 1 ELSE 2 END END) AS c_{ch.Name}")) + " " +
        "FROM profile_consents WHERE purpose = 'marketing' AND profile_id IN (SELECT profile_id FROM t) GROUP BY profile_id), " +
        $"l AS ({SuppressionRows.ListsPerProfile}) " +
        "SELECT t.profile_id, t.household_id, t.i, " + string.Join(", ", ConsentChannels.Select(ch => $"c.c_{ch.Name}")) + ", l.lists, pt.time_zone " +
        "FROM t LEFT JOIN c ON c.profile_id = t.profile_id LEFT JOIN profile_survivors ts ON ts.profile_id = t.profile_id " +
        "LEFT JOIN l ON l.profile_id = coalesce(ts.survivor_id, t.profile_id) " +
        "LEFT JOIN profile_traits pt ON pt.profile_id = coalesce(ts.survivor_id, t.profile_id) ORDER BY t.profile_id, t.i";

    /// <summary>The column of <see cref="Sql"/> that holds the suppression lists.</summary>
    public static int ListsColumn => 3 + ConsentChannels.Count;

    /// <summary>The column of <see cref="Sql"/> that holds the time zone.</summary>
    public static int TimeZoneColumn => ListsColumn + 1;

    /// <summary>Consent channels as events name them (lower case), and the campaign channel each governs, in the query's column order.</summary>
    public static IReadOnlyList<(string Name, Channel Channel)> ConsentChannels { get; } =
    [
        ("email", Channel.Email), ("sms", Channel.Sms), ("phone", Channel.Telemarketing), ("push", Channel.Push), ("post", Channel.DirectMail),
    ];

    /// <summary>The consents of a row from its consent columns (1 granted, 2 refused, anything else unknown).</summary>
    public static ChannelConsents ConsentsOf(ReadOnlySpan<int> columns)
    {
        var consents = ChannelConsents.All(Consent.Unknown);
        for (var i = 0; i < columns.Length && i < ConsentChannels.Count; i++)
        {
            if (columns[i] is 1 or 2) consents = consents.With(ConsentChannels[i].Channel, columns[i] == 1 ? Consent.Granted : Consent.Refused);
        }
        return consents;
    }
}
