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
    public static Task<Viewer> ForAsync(HttpContext http, IStore store, CancellationToken ct) => ForAsync(http.User, store, ct);

    /// <summary>For interactive pages, which have the user of their session but no request.</summary>
    public static async Task<Viewer> ForAsync(System.Security.Claims.ClaimsPrincipal user, IStore store, CancellationToken ct) =>
        new(user.Caller(), await ProfileEndpoints.PolicyAsync(user, store, ct));

    /// <summary>The profile at a page's address ("p42"), redacted for this viewer; null when there is none.</summary>
    public async Task<Profile?> FindProfileAsync(IStore store, string id, CancellationToken ct) =>
        ProfileEndpoints.TryParse(id, out var profileId) && await store.Profiles.GetAsync(profileId, ct) is { } profile
            ? Policy.Redact(profile)
            : null;
}
