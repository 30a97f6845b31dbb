using CommonGround.ContactPolicy;
using CommonGround.Identity;

namespace CommonGround.Storage;

/// <summary>
/// Stored suppression lists: who is on which list, by normalised identifier, so a do-not-contact list
/// is uploaded once and honoured by every team's sends. Membership is resolved at read time through
/// the identity graph: a member counts for the profile that has its identifier now, including one that
/// gets it after the member was added. List names are compared ordinally, like the policy's.
/// </summary>
public interface ISuppressionListStore
{
    /// <summary>
    /// Puts the identifiers on the list in one transaction, at most <see cref="SuppressionLists.MaxBatch"/>.
    /// Idempotent: an identifier already on the list keeps its reason, who added it and when; one given
    /// twice is added once (the first wins). Returns how many were new.
    /// </summary>
    Task<int> AddMembersAsync(string list, IReadOnlyList<SuppressionEntry> members, string addedBy, DateTimeOffset at, CancellationToken ct);

    /// <summary>Takes the identifier off the list. False when it was not on it.</summary>
    Task<bool> RemoveMemberAsync(string list, Identifier identifier, CancellationToken ct);

    /// <summary>Members of the list by identifier type then value (ordinal), those after <paramref name="after"/> when given.</summary>
    Task<IReadOnlyList<SuppressionMember>> MembersAsync(string list, Identifier? after, int limit, CancellationToken ct);

    /// <summary>Every stored list with its number of members, by name; a list whose last member was removed is not stored.</summary>
    Task<IReadOnlyList<SuppressionListCount>> CountsAsync(CancellationToken ct);

    /// <summary>The identifier's membership of the list, or null when it is not on it.</summary>
    Task<SuppressionMember?> FindMemberAsync(string list, Identifier identifier, CancellationToken ct);

    /// <summary>
    /// Names of the lists (ordinal order, each once) that any identifier of the profile is on,
    /// following merges: the identifiers of every profile merged into it count. A profile absorbed
    /// by another is answered for its survivor. Empty for an unknown profile.
    /// </summary>
    Task<IReadOnlyList<string>> SuppressionListsOfAsync(ProfileId survivor, CancellationToken ct);

    /// <summary>
    /// Names of the lists (ordinal order, each once) that any of <paramref name="identifiers"/> (normalised)
    /// is on. For a caller that holds the profile already (its <see cref="Profiles.Profile.Identifiers"/>
    /// include those of every profile merged into it): it reads only the members, never the identity
    /// tables, so it stays fast however many profiles the workspace has.
    /// </summary>
    Task<IReadOnlyList<string>> SuppressionListsOfAsync(IReadOnlyCollection<Identifier> identifiers, CancellationToken ct);
}
