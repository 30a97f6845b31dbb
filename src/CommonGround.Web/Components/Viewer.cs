using CommonGround.Profiles;
using CommonGround.Storage;
using CommonGround.Web.Endpoints;
using CommonGround.Web.Security;

namespace CommonGround.Web.Components;

/// <summary>
/// The signed-in person as the UI sees them: the key's caller (admin or a team) and the personal-data
/// policy that decides which values they may read. Every value a page shows goes through
/// <see cref="Policy"/> first.
/// </summary>
public sealed record Viewer(Caller Caller, PersonalDataPolicy Policy)
{
    /// <summary>The same caller and policy as the profile API gives the same key.</summary>
    public static async Task<Viewer> ForAsync(HttpContext http, IStore store, CancellationToken ct) =>
        new(http.User.Caller(), await ProfileEndpoints.PolicyAsync(http, store, ct));

    /// <summary>The profile at a page's address ("p42"), redacted for this viewer; null when there is none.</summary>
    public async Task<Profile?> FindProfileAsync(IStore store, string id, CancellationToken ct) =>
        ProfileEndpoints.TryParse(id, out var profileId) && await store.Profiles.GetAsync(profileId, ct) is { } profile
            ? Policy.Redact(profile)
            : null;
}
