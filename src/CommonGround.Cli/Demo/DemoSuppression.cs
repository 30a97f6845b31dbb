using CommonGround.ContactPolicy;
using CommonGround.Identity;
using CommonGround.Storage;
using CommonGround.Web.Hosting;

namespace CommonGround.Cli.Demo;

/// <summary>
/// The demo's do-not-contact list: a few loyalty members who rang the call centre and asked not to be
/// contacted, by the e-mail on their loyalty record (one also by phone), as a privacy officer would
/// upload them. Added only when the starter policy defines the list, so it blocks what the policy says.
/// </summary>
public static class DemoSuppression
{
    public const string Reason = "asked by phone not to be contacted";
    const string AddedBy = "privacy office (demo)";

    /// <summary>Positions of the listed people in the demo's population (those beyond a small demo are skipped).</summary>
    static readonly int[] People = [3, 41, 167, 263, 1_009, 4_111, 17_389];

    /// <summary>Puts the people on the list; returns how many are on it. Idempotent.</summary>
    public static async Task<int> AddAsync(IStore store, TimeProvider time, CancellationToken ct)
    {
        if (!ContactPolicyHosting.StarterPolicy.SuppressionLists.Any(l => l.Name == ContactPolicyHosting.DoNotContact)) return 0;
        var loyalty = (await store.Sources.FindByNameAsync(DemoWorkspace.SourceNames[(int)DemoSource.Loyalty].Name, ct))!.Id;
        var normalizer = new IdentifierNormalizer(new IdentityOptions { DefaultPhoneRegion = "GB" });
        var members = new List<SuppressionEntry>();
        foreach (var person in People)
        {
            if (await store.Records.FindCustomerAsync(loyalty, DemoPopulation.CustomerId(person), ct) is not { } customer) continue;
            if (normalizer.TryNormalize(IdentifierTypes.Email, customer.Email, out var email)) members.Add(new SuppressionEntry(email, Reason));
            // The first caller gave the number they called from as well.
            if (members.Count == 1 && normalizer.TryNormalize(IdentifierTypes.Phone, customer.Phone, out var phone)) members.Add(new SuppressionEntry(phone, Reason));
        }
        await store.SuppressionLists.AddMembersAsync(ContactPolicyHosting.DoNotContact, members, AddedBy, time.GetUtcNow(), ct);
        return members.Count;
    }
}
