using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CommonGround.Identity;

namespace CommonGround.Campaigns;

/// <summary>
/// Who is kept out of a campaign to measure it. A person's bucket is the first four bytes of
/// SHA-256("salt:profileId"), read as an unsigned big-endian number; they are held out when the
/// bucket is below share × 2³². The same salt and person give the same answer on every evaluation
/// and on every machine, and two salts give independent answers (the hash mixes them fully).
/// The same formula can be computed by DuckDB and PostgreSQL (<c>sha256</c> of the same text), so
/// target lists can be filled in the database.
/// </summary>
public static class Holdout
{
    /// <summary>2³²: buckets are 32-bit numbers.</summary>
    public const long Buckets = 1L << 32;

    /// <summary>The person's bucket for this salt, 0 to 2³² - 1.</summary>
    public static long Bucket(string salt, ProfileId profile)
    {
        ArgumentNullException.ThrowIfNull(salt);
        var text = Text(salt, profile);
        Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(text.Length)];
        var length = Encoding.UTF8.GetBytes(text, utf8);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..length], hash);
        return BinaryPrimitives.ReadUInt32BigEndian(hash);
    }

    /// <summary>The text that is hashed; the databases hash the same.</summary>
    public static string Text(string salt, ProfileId profile) =>
        salt + ":" + profile.Value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Buckets below this are held out: floor(share × 2³²).</summary>
    public static long Threshold(double share) => share <= 0 ? 0 : share >= 1 ? Buckets : (long)Math.Floor(share * Buckets);

    /// <summary>Whether the person is in the share of people that <paramref name="salt"/> holds out.</summary>
    public static bool IsHeldOut(string salt, ProfileId profile, double share) =>
        share > 0 && Bucket(salt, profile) < Threshold(share);
}

/// <summary>
/// The workspace's global control group: a stable share of all people who receive no marketing or
/// advertising from any team (transactional messages still reach them), so the total effect of all
/// campaigns together can be measured. Membership is <see cref="Holdout"/> with the workspace's salt.
/// </summary>
/// <param name="Share">Above 0 and at most <see cref="MaxShare"/> when enabled.</param>
/// <param name="Salt">Fixed when the group is first saved; changing it would reshuffle the group.</param>
public sealed record GlobalControlGroup(bool Enabled, double Share, string Salt, string? UpdatedBy = null, DateTimeOffset? UpdatedAt = null)
{
    public const double MaxShare = 0.5;

    /// <summary>What a workspace has before an admin sets anything: off, 5 % when switched on, no salt yet.</summary>
    public static GlobalControlGroup Default { get; } = new(false, 0.05, "");

    /// <summary>Whether the person is in the group (never, while the group is off).</summary>
    public bool Contains(ProfileId profile) => Enabled && Salt.Length > 0 && Holdout.IsHeldOut(Salt, profile, Share);

    /// <summary>Checks an admin's change; the field names are the API's.</summary>
    public static IReadOnlyList<FieldError> Validate(bool? enabled, double? share)
    {
        var errors = new List<FieldError>();
        if (enabled is null) errors.Add(new FieldError("enabled", "Say whether the global control group is on: true or false."));
        if (share is { } s && (double.IsNaN(s) || s <= 0 || s > MaxShare))
            errors.Add(new FieldError("share", $"The share must be above 0 and at most {MaxShare.ToString(CultureInfo.InvariantCulture)}, e.g. 0.05 for 5 %."));
        return errors;
    }
}

/// <summary>
/// One person of a campaign's evaluated target list: who would be contacted, and who is kept out.
/// Only people with neither flag are contacted, and only they count in overlap and contact pressure.
/// </summary>
/// <param name="Holdout">Kept out by the campaign's own holdout.</param>
/// <param name="Control">Kept out because they are in the workspace's global control group.</param>
public readonly record struct CampaignTarget(ProfileId Profile, string? HouseholdId, bool Holdout, bool Control)
{
    public bool Contacted => !Holdout && !Control;

    /// <summary>
    /// The target row of a member of the campaign's audience: the campaign's holdout, and the global
    /// control group unless the campaign is transactional.
    /// </summary>
    public static CampaignTarget For(Campaign campaign, GlobalControlGroup control, ProfileId profile, string? householdId) => new(
        profile, householdId,
        Campaigns.Holdout.IsHeldOut(campaign.HoldoutSalt, profile, campaign.HoldoutShare),
        campaign.ExcludesGlobalControl && control.Contains(profile));

    /// <summary>One target per person, the last given winning, in profile order (so lists are stored clustered).</summary>
    public static List<CampaignTarget> Distinct(IEnumerable<CampaignTarget> targets)
    {
        var last = new Dictionary<long, CampaignTarget>();
        foreach (var t in targets) last[t.Profile.Value] = t;
        var rows = last.Values.ToList();
        rows.Sort((a, b) => a.Profile.Value.CompareTo(b.Profile.Value));
        return rows;
    }
}
