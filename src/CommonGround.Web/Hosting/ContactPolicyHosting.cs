using CommonGround.Campaigns;
using CommonGround.ContactPolicy;

namespace CommonGround.Web.Hosting;

/// <summary>
/// The contact policy in the server: one campaign directory, the policy's versions, the ledger and
/// the decider, shared by the API and the UI through <see cref="ContactPolicyService"/>.
/// </summary>
public static class ContactPolicyHosting
{
    /// <summary>
    /// What a new workspace starts with, before anyone edits the policy: a cautious, common policy
    /// (3 marketing messages a customer a day, 5 a household, one a day from any one team, no SMS,
    /// push or calls at night, an hour between two messages).
    /// </summary>
    public static ContactPolicyDefinition StarterPolicy { get; } = new()
    {
        Caps =
        [
            new ContactCap { Scope = CapScope.AllMarketing, Level = CapLevel.Customer, Window = CapWindow.Day, Limit = 3 },
            new ContactCap { Scope = CapScope.AllMarketing, Level = CapLevel.Household, Window = CapWindow.Day, Limit = 5 },
            new ContactCap { Scope = CapScope.Team, Level = CapLevel.Customer, Window = CapWindow.Day, Limit = 1 },
            new ContactCap { Scope = CapScope.AllMarketing, Level = CapLevel.Customer, Window = CapWindow.Rolling7Days, Limit = 10 },
        ],
        QuietHours =
        [
            new QuietHours { Channel = Channel.Sms, Start = new TimeOnly(21, 0), End = new TimeOnly(8, 0) },
            new QuietHours { Channel = Channel.Push, Start = new TimeOnly(22, 0), End = new TimeOnly(8, 0) },
            new QuietHours { Channel = Channel.Telemarketing, Start = new TimeOnly(20, 0), End = new TimeOnly(9, 0) },
        ],
        MinimumGaps = [new MinimumGap { Gap = TimeSpan.FromHours(1) }],
    };

    public static IServiceCollection AddContactPolicy(this IServiceCollection services)
    {
        services.AddSingleton<CampaignDirectory>();
        services.AddSingleton(sp => new PolicyHistory(StarterPolicy, "CommonGround (starter policy)",
            sp.GetRequiredService<CampaignDirectory>(), sp.GetRequiredService<TimeProvider>(), "The starter policy of a new workspace."));
        services.AddSingleton<IContactLedger>(sp => new InMemoryContactLedger(sp.GetRequiredService<CampaignDirectory>()));
        services.AddSingleton(sp => new ContactDecider(sp.GetRequiredService<PolicyHistory>(), sp.GetRequiredService<IContactLedger>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ContactPolicyService>();
        return services;
    }
}

/// <summary>
/// The one way the API and the UI read and change the contact policy and ask for decisions.
/// </summary>
public sealed class ContactPolicyService(PolicyHistory history, ContactDecider decider, IContactLedger ledger)
{
    public PolicyHistory History => history;
    public ContactDecider Decider => decider;
    public IContactLedger Ledger => ledger;

    /// <summary>The version in force.</summary>
    public PolicyVersion Current => history.Current;

    /// <summary>Every version, oldest first.</summary>
    public IReadOnlyList<PolicyVersion> Versions => history.Versions;

    /// <summary>Validates and makes <paramref name="policy"/> the version in force.</summary>
    /// <exception cref="ContactPolicyException">The policy is not valid; nothing changed.</exception>
    /// <exception cref="Storage.ConflictException">The policy changed since <paramref name="basedOn"/>.</exception>
    public Task<PolicyVersion> ChangeAsync(ContactPolicyDefinition policy, string changedBy, string? note, int? basedOn, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        return Task.FromResult(history.Change(policy, changedBy, note, basedOn));
    }
}
