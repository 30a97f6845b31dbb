using CommonGround.Campaigns;
using CommonGround.ContactPolicy;
using CommonGround.Identity;
using CommonGround.Storage;

namespace CommonGround.Web.Hosting;

/// <summary>
/// The contact policy in the server: one campaign directory, the policy's versions, the ledger and
/// the decider, shared by the API and the UI through <see cref="ContactPolicyService"/>.
/// </summary>
public static class ContactPolicyHosting
{
    /// <summary>The starter policy's suppression list for people who asked not to be contacted.</summary>
    public const string DoNotContact = "do-not-contact";

    /// <summary>
    /// What a new workspace starts with, before anyone edits the policy: a cautious, common policy
    /// (3 marketing messages a customer a day, 5 a household, one a day from any one team, no SMS,
    /// push or calls at night, an hour between two messages), and a "do-not-contact" list that blocks
    /// marketing on every channel for the people stored on it.
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
        SuppressionLists = [new SuppressionList { Name = DoNotContact }],
    };

    /// <summary>The configuration section of <see cref="ContactFactsCacheOptions"/>.</summary>
    public const string FactsSection = "ContactPolicy:Facts";

    public static IServiceCollection AddContactPolicy(this IServiceCollection services, ContactFactsCacheOptions? facts = null)
    {
        services.AddSingleton(sp => new ContactFactsCache(sp.GetRequiredService<IStore>().ContactPolicy, sp.GetRequiredService<TimeProvider>(), facts));
        services.AddHostedService(sp => new ContactFactsFollower(sp.GetRequiredService<ContactFactsCache>(), facts ?? new ContactFactsCacheOptions(),
            sp.GetRequiredService<ILogger<ContactFactsFollower>>()));
        services.AddSingleton<CampaignDirectory>();
        services.AddSingleton(sp => new PolicyHistory(StarterPolicy, StarterAuthor,
            sp.GetRequiredService<CampaignDirectory>(), sp.GetRequiredService<TimeProvider>(), StarterNote));
        services.AddSingleton(sp => new InMemoryContactLedger(sp.GetRequiredService<CampaignDirectory>()));
        services.AddSingleton(sp => new ContactJournal(sp.GetRequiredService<IStore>().ContactPolicy, sp.GetRequiredService<ILogger<ContactJournal>>()));
        services.AddSingleton<IContactLedger>(sp => new JournaledContactLedger(sp.GetRequiredService<InMemoryContactLedger>(), sp.GetRequiredService<ContactJournal>()));
        services.AddSingleton(sp => new ContactDecider(sp.GetRequiredService<PolicyHistory>(), sp.GetRequiredService<IContactLedger>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ContactPolicyService>();
        services.AddSingleton<MessageSentCounter>();
        services.AddSingleton<Endpoints.DecisionRequests>();
        services.AddSingleton(sp => new IdentifierText(sp.GetRequiredService<IdentityOptions>()));
        services.AddHostedService<ContactPolicyStartup>();
        return services;
    }

    /// <summary>Keeps the decisions' cache of customers' facts in step with the store (see <see cref="ContactFactsCache.FollowChangesAsync"/>).</summary>
    sealed class ContactFactsFollower(ContactFactsCache cache, ContactFactsCacheOptions options, ILogger<ContactFactsFollower> logger) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            try
            {
                var loaded = await cache.PreloadAsync(stoppingToken);
                if (loaded > 0) logger.LogInformation("Decisions keep the contact facts of {Count} customers in memory.", loaded);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("Could not load customers' contact facts at start; decisions read them when first asked: {Error}", ex.GetType().Name);
            }
            using var timer = new PeriodicTimer(options.FollowEvery);
            do
            {
                try
                {
                    await cache.FollowChangesAsync(stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex)
                {
                    // Until the store answers again, entries end by their lifetime only.
                    logger.LogWarning("Could not read which customers' contact facts changed; retrying: {Error}", ex.GetType().Name);
                }
            }
            while (await WaitAsync(timer, stoppingToken));
        }

        static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
        {
            try
            {
                return await timer.WaitForNextTickAsync(ct);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }

    const string StarterAuthor = "CommonGround (starter policy)";
    const string StarterNote = "The starter policy of a new workspace.";

    /// <summary>
    /// Before the server takes requests: the policy's versions from the store (saving the starter
    /// policy as version 1 in a new workspace), the ledger's live entries from its journal, and the
    /// hook that counts "Message Sent" events once identity resolution knows their user.
    /// </summary>
    sealed class ContactPolicyStartup(ContactPolicyService policy, MessageSentCounter sent, IdentityResolver resolver,
        ILogger<ContactPolicyStartup> logger) : IHostedService
    {
        public async Task StartAsync(CancellationToken ct)
        {
            var restored = await policy.LoadAsync(ct);
            if (restored > 0) logger.LogInformation("The contact ledger restored {Count} live entries from its journal.", restored);
            resolver.AfterCatchUp(sent.CountWaitingAsync);
        }

        public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
    }
}

/// <summary>
/// The one way the API and the UI read and change the contact policy and ask for decisions. Versions
/// are kept in the store: a change is saved before it takes effect.
/// </summary>
public sealed class ContactPolicyService(PolicyHistory history, ContactDecider decider, IContactLedger ledger, IStore store,
    ContactJournal journal, InMemoryContactLedger memory, ContactFactsCache customers, TimeProvider time)
{
    public PolicyHistory History => history;
    public ContactDecider Decider => decider;
    public IContactLedger Ledger => ledger;

    /// <summary>The version in force.</summary>
    public PolicyVersion Current => history.Current;

    /// <summary>Every version, oldest first.</summary>
    public IReadOnlyList<PolicyVersion> Versions => history.Versions;

    /// <summary>Validates, saves and makes <paramref name="policy"/> the version in force.</summary>
    /// <exception cref="ContactPolicyException">The policy is not valid; nothing changed.</exception>
    /// <exception cref="Storage.ConflictException">The policy changed since <paramref name="basedOn"/> (here or on another server).</exception>
    public Task<PolicyVersion> ChangeAsync(ContactPolicyDefinition policy, string changedBy, string? note, int? basedOn, CancellationToken ct) =>
        history.ChangeAsync(policy, changedBy, note, basedOn, store.ContactPolicy.AddPolicyVersionAsync, ct);

    /// <summary>
    /// Decides, and keeps a held-back decision in the decision log (in the journal's next group
    /// commit; the answer does not wait for it) so the profile can show it.
    /// </summary>
    /// <exception cref="ContactRequestException">As <see cref="ContactDecider.DecideAsync"/>.</exception>
    public async ValueTask<ContactDecision> DecideAsync(ContactRequest request, CancellationToken ct)
    {
        var decision = await decider.DecideAsync(request, ct);
        if (!decision.Allowed)
        {
            var now = time.GetUtcNow();
            await journal.LogAsync(new HeldBackDecision(request.Profile, request.Campaign, request.At ?? now, now, decision.PolicyVersion,
                [.. decision.Reasons.Select(HeldBackReason.Of)]));
        }
        return decision;
    }

    /// <summary>
    /// What a person was sent or has reserved for [<paramref name="from"/>, <paramref name="to"/>), from
    /// the embedded ledger's journal (or, with a shared ledger that keeps no journal, its live entries:
    /// those still inside a cap's window), and what was held back and why, newest first.
    /// </summary>
    public async Task<ContactHistory> ContactsAsync(ProfileId profile, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken ct)
    {
        await journal.FlushAsync();
        var now = time.GetUtcNow();
        var received = ledger is JournaledContactLedger
            ? LedgerChange.Fold(await store.ContactPolicy.ReadJournalAsync(profile, from, to, ct))
            : await LiveEntriesAsync(profile, now, ct);
        var entries = received
            .Where(e => (e.IsLive(now) || e.State == EntryState.Sent) && e.Message.At >= from && e.Message.At < to)
            .OrderByDescending(e => e.Message.At).Take(limit).ToList();
        var heldBack = await store.ContactPolicy.ListHeldBackAsync(profile, from, to, limit, ct);
        return new ContactHistory(entries, heldBack);
    }

    async Task<IReadOnlyList<JournaledEntry>> LiveEntriesAsync(ProfileId profile, DateTimeOffset now, CancellationToken ct)
    {
        var household = (await customers.GetAsync(profile, ct))?.Household;
        var live = await ledger.ReadCustomerAsync(profile, now, ct);
        static DateTimeOffset Utc(long ticks) => new(ticks, TimeSpan.Zero);
        return [.. live.Select(l => new JournaledEntry(l.Id,
            new LedgerMessage(Utc(l.Entry.At), l.Entry.State == EntryState.Reserved && l.Entry.ExpiresAt != long.MaxValue ? Utc(l.Entry.ExpiresAt) : null,
                household, ledger.Campaigns[l.Entry.Campaign]), l.Entry.State))];
    }

    /// <summary>Loads the versions and the ledger's journal; returns how many ledger entries were restored.</summary>
    internal async Task<int> LoadAsync(CancellationToken ct)
    {
        var versions = await store.ContactPolicy.ListPolicyVersionsAsync(ct);
        if (versions.Count == 0)
        {
            try
            {
                await store.ContactPolicy.AddPolicyVersionAsync(history.Current, ct);
            }
            catch (Storage.ConflictException)
            {
                // Another server of the workspace saved its first version in between: take theirs.
                history.Load(await store.ContactPolicy.ListPolicyVersionsAsync(ct));
            }
        }
        else
        {
            history.Load(versions);
        }
        return ledger is JournaledContactLedger
            ? await JournaledContactLedger.LoadAsync(memory, store.ContactPolicy, time.GetUtcNow(), ct)
            : 0;
    }
}

/// <summary>A person's contacts: entries of the ledger (sent, reserved) and held-back decisions, newest first.</summary>
public sealed record ContactHistory(IReadOnlyList<JournaledEntry> Entries, IReadOnlyList<HeldBackDecision> HeldBack);
