using CommonGround.Identity;
using CommonGround.Profiles;

namespace CommonGround.Audiences;

/// <summary>
/// A saved audience: a named rule owned by a team. Every team may read every audience's logic (that
/// is the point of one shared layer); only the owning team, or an admin, may change it.
/// </summary>
/// <param name="Id">Stable id ("aud_" and random characters); the name may change.</param>
/// <param name="Name">Unique in the workspace; what "in audience" refers to.</param>
/// <param name="Team">The owning team; null for an audience an admin made for everyone.</param>
/// <param name="Text">The rule's canonical text (<see cref="AudienceText.Format"/>).</param>
public sealed record Audience(
    string Id,
    string Name,
    string? Team,
    string? Description,
    AudienceDefinition Definition,
    string Text,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    string UpdatedBy,
    DateTimeOffset UpdatedAt);

/// <summary>
/// The members of an audience as of one moment, kept so that later questions ("was this person in
/// the audience when the campaign went out?") are answered from what was true then.
/// </summary>
/// <param name="TakenAt">When the snapshot was taken.</param>
/// <param name="AsOf">The moment the rule's relative times counted back from.</param>
public sealed record AudienceSnapshot(long Id, string AudienceId, DateTimeOffset TakenAt, DateTimeOffset AsOf, long Members, long Households);

/// <summary>One member of a snapshot: the profile as it was then, and its household then.</summary>
public sealed record AudienceMember(ProfileId ProfileId, string? HouseholdId);

/// <summary>What an audience would reach now, before it is saved or used.</summary>
/// <param name="Size">People matching the rule.</param>
/// <param name="Households">Distinct households among them (people without one are not counted here).</param>
/// <param name="Sample">A few members, lowest profile id first; personal fields not yet redacted.</param>
/// <param name="Reach">Per channel, how many members may be contacted there (<see cref="Reachability"/>).</param>
public sealed record AudiencePreview(long Size, long Households, IReadOnlyList<ProfileSummary> Sample, IReadOnlyList<ChannelReach> Reach);

/// <summary>Members who consented to <see cref="Channel"/> for marketing and have an identifier to reach them there.</summary>
public sealed record ChannelReach(string Channel, long People);

/// <summary>
/// Which channels a preview reports, and what makes a person reachable on each: the latest consent
/// for the channel and purpose "marketing" is granted, and the profile has an identifier of the type.
/// </summary>
public static class Reachability
{
    public const string Purpose = "marketing";

    /// <summary>Channel, and the identifier type that addresses it.</summary>
    public static IReadOnlyList<(string Channel, string IdentifierType)> Channels { get; } =
    [
        ("email", IdentifierTypes.Email),
        ("sms", IdentifierTypes.Phone),
        ("phone", IdentifierTypes.Phone),
        ("push", IdentifierTypes.DeviceId),
    ];
}
