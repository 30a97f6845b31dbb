using System.Buffers.Text;
using System.Globalization;
using System.Text;
using CommonGround.ContactPolicy;
using CommonGround.Identity;
using CommonGround.Storage;
using StackExchange.Redis;

namespace CommonGround.Ledger.Redis;

/// <summary>
/// The contact ledger in a Redis Cluster, shared by every server node: the same promise as
/// <see cref="InMemoryContactLedger"/> (check and reserve as one atomic step over the customer's
/// and the household's entries) with the same check, <see cref="CompiledContactPolicy.Check"/>.
/// </summary>
/// <remarks>
/// <para>
/// <b>Keys.</b> A customer's entries and their household's entries share one hash tag, so one shard
/// holds both: the household (<c>{h:household}</c>), or the customer (<c>{p:profile}</c>) without one.
/// Household caps read every member, so the members must live together; a tag per customer would
/// split a household across shards. <c>P{h:H}:h</c> holds the household's entries, <c>P{h:H}:c:ID</c>
/// (or <c>P{p:ID}:c</c>) the customer's, and <c>P{p:ID}:home</c> names the household group that holds a
/// customer's entries, so a reservation id (profile and number) leads to its shard, and a customer
/// who moves to another household takes their entries along. <c>Pdirectory</c> numbers campaigns and
/// teams for every node (<see cref="SharedCampaigns"/>).
/// </para>
/// <para>
/// <b>Atomicity.</b> Optimistic: read both lists, check in C#, then write both with the
/// compare-and-set script, which runs atomically on their shard and writes only if neither list
/// changed since the read (each write gives a list a new random version). When one did, the script
/// returns the current lists and the check runs again on them; no caller ever writes from a stale
/// read, so every reservation was checked against every entry it competes with.
/// </para>
/// <para>
/// <b>Growth.</b> Lapsed reservations and entries past <see cref="CompiledContactPolicy.Retention"/>
/// are dropped whenever a list is written; every key lives <see cref="KeyLifetime"/> after its
/// last write, so customers who stop getting messages leave Redis.
/// </para>
/// </remarks>
public sealed class RedisContactLedger : IContactLedger
{
    /// <summary>How long a key lives after its last write: the retention, plus room for messages planned ahead.</summary>
    public static readonly TimeSpan KeyLifetime = CompiledContactPolicy.Retention + TimeSpan.FromDays(2);

    /// <summary>The prefix of every key unless another is given.</summary>
    public const string DefaultPrefix = "cg:cp:";

    static readonly string CompareAndSet = LuaScripts.Read("compare-and-set.lua");
    static readonly RedisValue Lifetime = (long)KeyLifetime.TotalMilliseconds;
    const int MaxAttempts = 10_000;
    readonly IDatabase _db;
    readonly string _prefix;
    readonly SharedCampaigns _shared;

    /// <param name="redis">A connection to the cluster (or a single server); shared, not disposed here.</param>
    /// <param name="prefix">Put before every key, so several workspaces (or tests) can share one cluster. No braces.</param>
    public RedisContactLedger(CampaignDirectory campaigns, IConnectionMultiplexer redis, string prefix = DefaultPrefix)
    {
        if (prefix.AsSpan().IndexOfAny('{', '}') >= 0) throw new ArgumentException("The key prefix may not hold braces: they mark hash tags.", nameof(prefix));
        Campaigns = campaigns;
        _db = redis.GetDatabase();
        _prefix = prefix;
        _shared = new SharedCampaigns(campaigns, _db, prefix + "directory");
    }

    public CampaignDirectory Campaigns { get; }

    /// <summary>
    /// Connects to Redis with a StackExchange.Redis configuration string (seed nodes and options).
    /// </summary>
    /// <exception cref="StoreUnavailableException">No node could be reached.</exception>
    public static async Task<ConnectionMultiplexer> ConnectAsync(string configuration)
    {
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(configuration);
        }
        catch (ArgumentException e)
        {
            throw new StoreUnavailableException($"The Redis configuration '{configuration}' cannot be read: {e.Message}", e);
        }
        options.AbortOnConnectFail = true;
        try
        {
            return await ConnectionMultiplexer.ConnectAsync(options);
        }
        catch (RedisConnectionException e)
        {
            throw new StoreUnavailableException(
                $"The contact ledger's Redis at '{string.Join(",", options.EndPoints)}' cannot be reached ({e.FailureType}). " +
                "Start it, correct ContactPolicy:Redis, or set ContactPolicy:Ledger to 'embedded'.", e);
        }
    }

    public async ValueTask<LedgerOutcome> TryReserveAsync(ContactCandidate candidate, CompiledContactPolicy policy, DateTimeOffset now, CancellationToken ct)
    {
        if (!ReferenceEquals(policy.Directory, Campaigns))
            throw new InvalidOperationException("The policy was compiled with another campaign directory than this ledger's.");
        var utcNow = now.UtcTicks;
        var (campaign, team) = await _shared.NumbersAsync(candidate.Campaign);
        var group = await OpenAsync(candidate.Profile, candidate.Household, utcNow);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            ct.ThrowIfCancellationRequested();
            var customer = await _shared.EntriesAsync(group.Customer);
            var members = group.HouseholdKey is null ? customer : await _shared.EntriesAsync(group.Household);
            var verdict = policy.Check(candidate, customer, members, shared: false, utcNow);
            if (!verdict.Allowed)
                return new LedgerOutcome(null, null, policy.Explain(candidate, verdict, customer, members, shared: false, utcNow));
            var expires = now + policy.ReservationTimeout;
            var (written, id) = await AppendAsync(group, candidate, expires.UtcTicks, EntryState.Reserved, campaign, team, utcNow);
            if (id is { } reservation) return new LedgerOutcome(reservation, expires, []);
            group = written;
        }
        throw Contended(candidate.Profile);
    }

    public async ValueTask<ReservationId> RecordSentAsync(ContactCandidate sent, DateTimeOffset now, CancellationToken ct)
    {
        var utcNow = now.UtcTicks;
        var (campaign, team) = await _shared.NumbersAsync(sent.Campaign);
        var group = await OpenAsync(sent.Profile, sent.Household, utcNow);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            ct.ThrowIfCancellationRequested();
            var (written, id) = await AppendAsync(group, sent, long.MaxValue, EntryState.Sent, campaign, team, utcNow);
            if (id is { } reservation) return reservation;
            group = written;
        }
        throw Contended(sent.Profile);
    }

    public ValueTask<ReservationResult> ConfirmAsync(ReservationId id, DateTimeOffset now, CancellationToken ct) => SettleAsync(id, now.UtcTicks, confirm: true, ct);

    public ValueTask<ReservationResult> CancelAsync(ReservationId id, DateTimeOffset now, CancellationToken ct) => SettleAsync(id, now.UtcTicks, confirm: false, ct);

    public async ValueTask<IReadOnlyList<(ReservationId Id, ContactEntry Entry)>> ReadCustomerAsync(ProfileId profile, DateTimeOffset now, CancellationToken ct)
    {
        var utcNow = now.UtcTicks;
        var customer = new EntryList(await _db.StringGetAsync(CustomerKey(await HomeAsync(profile), profile)));
        // Ids are the customer's base plus the entry's number, as AppendAsync hands them out.
        return [.. (await _shared.EntriesAsync(customer)).Where(e => e.IsLive(utcNow) && e.Profile == profile)
            .OrderBy(e => e.At).ThenBy(e => e.Sequence).Select(e => (new ReservationId(profile, customer.Base + e.Sequence), e))];
    }

    public async ValueTask<IReadOnlyList<ContactEntry>> ReadAsync(ProfileId profile, string? household, DateTimeOffset now, CancellationToken ct)
    {
        var utcNow = now.UtcTicks;
        var home = await HomeAsync(profile);
        var customer = new EntryList(await _db.StringGetAsync(CustomerKey(home, profile)));
        var live = (await _shared.EntriesAsync(customer)).Where(e => e.IsLive(utcNow));
        if (household is not null)
        {
            var members = new EntryList(await _db.StringGetAsync(HouseholdKey(HouseholdTag(household))));
            live = live.Concat((await _shared.EntriesAsync(members)).Where(e => e.IsLive(utcNow)));
        }
        return live.DistinctBy(e => (e.Profile, e.Sequence)).OrderBy(e => e.At).ThenBy(e => e.Profile).ThenBy(e => e.Sequence).ToList();
    }

    /// <summary>
    /// Appends a message to the customer's list and the household's, if neither changed since
    /// <paramref name="group"/> was read. Returns the id, or no id and the lists as they are now.
    /// </summary>
    async Task<(Group Group, ReservationId? Id)> AppendAsync(Group group, ContactCandidate c, long expires, EntryState state, int campaign, int team, long now)
    {
        var customer = group.Customer;
        var @base = customer.Exists ? customer.Base : now / 10;
        var sequence = customer.Last + 1;
        var record = EntryList.NewRecord(c, sequence, expires, state, campaign, team);
        // The home pointer lives as long as the customer's entries: written again once a day at most.
        var today = (int)(now / TimeSpan.TicksPerDay);
        var pointDay = group.HouseholdKey is not null && customer.PointerDay != today ? today : customer.PointerDay;
        // Before the entry: once any caller can read it (and hand out an id from it), the id must lead here.
        if (pointDay != customer.PointerDay) await _db.StringSetAsync(PointerKey(c.Profile), group.Tag, KeyLifetime);
        var written = group.HouseholdKey is null
            ? await TryWriteAsync(group, customer.Write(now, @base, sequence, pointDay, record))
            : await TryWriteAsync(group, customer.Write(now, @base, sequence, pointDay, record), group.Household.Write(now, 0, 0, 0, record));
        if (written is { } current) return (current, null);
        return (group, new ReservationId(c.Profile, @base + sequence));
    }

    async ValueTask<ReservationResult> SettleAsync(ReservationId id, long now, bool confirm, CancellationToken ct)
    {
        var group = await ReadGroupAsync(id.Profile, await HomeAsync(id.Profile));
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            ct.ThrowIfCancellationRequested();
            var customer = group.Customer;
            var sequence = id.Sequence - customer.Base;
            var index = customer.Exists && sequence is >= 1 and <= int.MaxValue ? customer.IndexOf(id.Profile.Value, (int)sequence) : -1;
            if (index < 0) return ReservationResult.NotFound;
            var record = customer.Record(index);
            if (EntryList.State(record) == EntryState.Sent) return ReservationResult.AlreadySent;
            if (!EntryList.IsLive(record, now)) return ReservationResult.Expired;
            var replacement = confirm ? customer.AsSent(index) : null;
            var newCustomer = customer.Write(now, customer.Base, customer.Last, customer.PointerDay, changed: index, replacement: replacement);
            // The household's copy, unless the customer moved out since (then it lapses as the reservation would have).
            var inHousehold = group.Household.IndexOf(id.Profile.Value, (int)sequence);
            var written = group.HouseholdKey is null || inHousehold < 0
                ? await TryWriteAsync(group with { HouseholdKey = null }, newCustomer)
                : await TryWriteAsync(group, newCustomer, group.Household.Write(now, 0, 0, 0, changed: inHousehold, replacement: replacement));
            if (written is null) return confirm ? ReservationResult.Confirmed : ReservationResult.Cancelled;
            group = written with { HouseholdKey = group.HouseholdKey };
        }
        throw Contended(id.Profile);
    }

    /// <summary>
    /// The group a message for this customer and household goes to, read. When the customer's
    /// entries are elsewhere (they moved household, or had none), they are moved here first.
    /// </summary>
    async Task<Group> OpenAsync(ProfileId profile, string? household, long now)
    {
        var tag = household is null ? OwnTag(profile) : HouseholdTag(household);
        var group = await ReadGroupAsync(profile, tag);
        if (group.Customer.Exists) return group;
        var home = await _db.StringGetAsync(PointerKey(profile));
        var from = home.HasValue ? home.ToString() : household is null ? null : OwnTag(profile);
        if (from is null || from == tag) return group;
        var source = new EntryList(await _db.StringGetAsync(CustomerKey(from, profile)));
        if (!source.Exists) return group;
        // Copy, repoint, then delete: a reader in between finds the entries in one place or both, never none.
        // The copy keeps the customer's numbering, so reservations made before the move can still be confirmed,
        // and says the pointer is not written yet, so a caller appending to it meanwhile writes the pointer first.
        await TryWriteAsync(group with { HouseholdKey = null }, source.Write(now, source.Base, source.Last, 0));
        if (household is null) await _db.KeyDeleteAsync(PointerKey(profile));
        else await _db.StringSetAsync(PointerKey(profile), tag, KeyLifetime);
        await _db.KeyDeleteAsync(CustomerKey(from, profile));
        return await ReadGroupAsync(profile, tag);
    }

    async Task<Group> ReadGroupAsync(ProfileId profile, string tag)
    {
        var customerKey = CustomerKey(tag, profile);
        if (!IsHousehold(tag)) return new Group(tag, customerKey, null, new EntryList(await _db.StringGetAsync(customerKey)), default);
        var householdKey = HouseholdKey(tag);
        var values = await _db.StringGetAsync([customerKey, householdKey]);
        return new Group(tag, customerKey, householdKey, new EntryList(values[0]), new EntryList(values[1]));
    }

    /// <summary>Writes the customer's list (and the household's) unless one changed; returns null when written, else the lists now.</summary>
    async Task<Group?> TryWriteAsync(Group group, byte[] customer, byte[]? household = null)
    {
        RedisKey[] keys = group.HouseholdKey is { } hk ? [group.CustomerKey, hk] : [group.CustomerKey];
        var args = new RedisValue[1 + 2 * keys.Length];
        args[0] = Lifetime;
        args[1] = group.Customer.Version;
        args[2] = customer;
        if (household is not null)
        {
            args[3] = group.Household.Version;
            args[4] = household;
        }
        var result = await _db.ScriptEvaluateAsync(CompareAndSet, keys, args);
        if (result.Resp2Type == ResultType.Integer) return null;
        var current = (RedisResult[])result!;
        return group with { Customer = new EntryList(Bytes(current[0])), Household = current.Length > 1 ? new EntryList(Bytes(current[1])) : group.Household };
    }

    static byte[]? Bytes(RedisResult value) => (byte[]?)value is { Length: > 0 } bytes ? bytes : null;

    async Task<string> HomeAsync(ProfileId profile) => await _db.StringGetAsync(PointerKey(profile)) is { HasValue: true } home ? home.ToString() : OwnTag(profile);

    static string OwnTag(ProfileId profile) => "p:" + profile.Value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The household as is, or base64url when it holds a brace (which would end the hash tag early).</summary>
    static string HouseholdTag(string household) =>
        household.AsSpan().IndexOfAny('{', '}') < 0 ? "h:" + household : "h64:" + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(household));

    static bool IsHousehold(string tag) => tag[0] == 'h';

    RedisKey CustomerKey(string tag, ProfileId profile) =>
        IsHousehold(tag) ? $"{_prefix}{{{tag}}}:c:{profile.Value.ToString(CultureInfo.InvariantCulture)}" : $"{_prefix}{{{tag}}}:c";

    RedisKey HouseholdKey(string tag) => $"{_prefix}{{{tag}}}:h";

    RedisKey PointerKey(ProfileId profile) => $"{_prefix}{{{OwnTag(profile)}}}:home";

    static InvalidOperationException Contended(ProfileId profile) =>
        new($"The contact ledger's entries of profile {profile.Value} changed {MaxAttempts:N0} times while one caller tried to write them.");

    /// <summary>A customer's entry list and their household's (when the tag is a household), as read.</summary>
    sealed record Group(string Tag, RedisKey CustomerKey, RedisKey? HouseholdKey, EntryList Customer, EntryList Household);
}
