using System.Security.Claims;
using CommonGround.Profiles;
using CommonGround.Storage;
using CommonGround.Web.Security;

namespace CommonGround.Web.Components;

/// <summary>
/// The signed-in person as the UI sees them: the key's caller (admin or a team) and the personal-data
/// policy that decides which values they may read. Every value a page shows goes through
/// <see cref="Policy"/> first.
/// </summary>
public sealed record Viewer(Caller Caller, PersonalDataPolicy Policy)
{
    public static async Task<Viewer> ForAsync(ClaimsPrincipal user, IStore store, CancellationToken ct)
    {
        var caller = user.Caller();
        // Only admins read everything; a team key without a team (which the key store never makes) reads as no team.
        var policy = caller.IsAdmin
            ? PersonalDataPolicy.Everything
            : PersonalDataPolicy.ForTeam(caller.Team ?? "", await store.Catalog.ListAsync(null, ct));
        return new Viewer(caller, policy);
    }

    /// <summary>The profile at a page's address ("p42"), redacted for this viewer; null when there is none.</summary>
    public async Task<Profile?> FindProfileAsync(IStore store, string id, CancellationToken ct) =>
        Format.TryParseProfileId(id, out var profileId) && await store.Profiles.GetAsync(profileId, ct) is { } profile
            ? Policy.Redact(profile)
            : null;
}
