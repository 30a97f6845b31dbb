using System.Numerics;
using CommonGround.Identity;

namespace CommonGround.ContactPolicy;

/// <summary>
/// The embedded ledger: every customer's and household's entries in memory, guarded by striped
/// locks. A decision takes the customer's stripe and the household's (in stripe order, so two
/// callers never wait on each other in a circle), checks and appends while holding both: concurrent
/// callers on the same customer or household take turns, others run in parallel. Entries older than
/// <see cref="CompiledContactPolicy.Retention"/> and lapsed reservations are dropped when a customer's
/// entries are next appended to, or by <see cref="Sweep"/>. Not durable: a restart starts empty.
/// </summary>
public sealed class InMemoryContactLedger : IContactLedger
{
    readonly Stripe[] _stripes;
    readonly int _shift;

    /// <param name="stripes">Lock stripes, rounded up to a power of two; more means less waiting between unrelated customers.</param>
    public InMemoryContactLedger(CampaignDirectory campaigns, int stripes = 4096)
    {
        Campaigns = campaigns;
        var count = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(stripes, 1));
        _stripes = new Stripe[count];
        for (var i = 0; i < count; i++) _stripes[i] = new Stripe(i);
        _shift = 64 - BitOperations.Log2((uint)count);
    }

    public CampaignDirectory Campaigns { get; }

    public ValueTask<LedgerOutcome> TryReserveAsync(ContactCandidate candidate, CompiledContactPolicy policy, DateTimeOffset now, CancellationToken ct)
    {
        if (!ReferenceEquals(policy.Directory, Campaigns))
            throw new InvalidOperationException("The policy was compiled with another campaign directory than this ledger's.");
        var utcNow = now.UtcTicks;
        var (customerStripe, householdStripe) = StripesOf(candidate.Profile, candidate.Household);
        using var held = new Held(customerStripe, householdStripe);
        var customer = customerStripe.Customer(candidate.Profile, utcNow);
        var household = candidate.Household is null ? null : householdStripe.Household(candidate.Household);
        var verdict = policy.Check(candidate, customer.Span, household is null ? customer.Span : household.Span, shared: false, utcNow);
        if (!verdict.Allowed)
        {
            var reasons = policy.Explain(candidate, verdict, customer.Span, household is null ? customer.Span : household.Span, shared: false, utcNow);
            return new(new LedgerOutcome(null, null, reasons));
        }
        var expires = now + policy.ReservationTimeout;
        var entry = candidate.ToEntry(++customer.LastSequence, expires.UtcTicks, EntryState.Reserved);
        customer.Add(entry, utcNow);
        household?.Add(entry, utcNow);
        return new(new LedgerOutcome(entry.Reservation, expires, []));
    }

    public ValueTask<ReservationResult> ConfirmAsync(ReservationId id, DateTimeOffset now, CancellationToken ct) =>
        new(Settle(id, now.UtcTicks, confirm: true));

    public ValueTask<ReservationResult> CancelAsync(ReservationId id, DateTimeOffset now, CancellationToken ct) =>
        new(Settle(id, now.UtcTicks, confirm: false));

    public ValueTask<ReservationId> RecordSentAsync(ContactCandidate sent, DateTimeOffset now, CancellationToken ct)
    {
        var (customerStripe, householdStripe) = StripesOf(sent.Profile, sent.Household);
        using var held = new Held(customerStripe, householdStripe);
        var customer = customerStripe.Customer(sent.Profile, now.UtcTicks);
        var entry = sent.ToEntry(++customer.LastSequence, long.MaxValue, EntryState.Sent);
        customer.Add(entry, now.UtcTicks);
        if (sent.Household is not null) householdStripe.Household(sent.Household).Add(entry, now.UtcTicks);
        return new(entry.Reservation);
    }

    public ValueTask<IReadOnlyList<ContactEntry>> ReadAsync(ProfileId profile, string? household, DateTimeOffset now, CancellationToken ct)
    {
        var (customerStripe, householdStripe) = StripesOf(profile, household);
        List<ContactEntry>? live = null;
        var utcNow = now.UtcTicks;
        using (new Held(customerStripe, householdStripe))
        {
            if (customerStripe.TryCustomer(profile) is { Count: > 0 } customer) Live(customer.Span, utcNow, ref live);
            if (household is not null && householdStripe.TryHousehold(household) is { Count: > 0 } members) Live(members.Span, utcNow, ref live);
        }
        if (live is null) return new(Array.Empty<ContactEntry>());
        var distinct = live.DistinctBy(e => e.Reservation).OrderBy(e => e.At).ThenBy(e => e.Profile).ThenBy(e => e.Sequence).ToList();
        return new(distinct);
    }

    /// <summary>Drops lapsed reservations, entries past the retention period, and customers and households left empty. Returns the entries dropped.</summary>
    public long Sweep(DateTimeOffset now)
    {
        long dropped = 0;
        foreach (var stripe in _stripes)
        {
            lock (stripe.Gate) dropped += stripe.Sweep(now.UtcTicks);
        }
        return dropped;
    }

    static void Live(ReadOnlySpan<ContactEntry> entries, long now, ref List<ContactEntry>? into)
    {
        foreach (var e in entries)
        {
            if (e.IsLive(now)) (into ??= []).Add(e);
        }
    }

    ReservationResult Settle(ReservationId id, long now, bool confirm)
    {
        // The household is written in the customer's entry; find it first, then take both stripes in order.
        var customerStripe = StripeOf(id.Profile);
        string? household;
        lock (customerStripe.Gate)
        {
            if (customerStripe.TryCustomer(id.Profile)?.Find(id.Sequence) is not { } found) return ReservationResult.NotFound;
            household = found.Household;
        }
        var (_, householdStripe) = StripesOf(id.Profile, household);
        using var held = new Held(customerStripe, householdStripe);
        var customer = customerStripe.TryCustomer(id.Profile);
        if (customer?.Find(id.Sequence) is not { } entry) return ReservationResult.NotFound;
        if (entry.State == EntryState.Sent) return ReservationResult.AlreadySent;
        if (!entry.IsLive(now)) return ReservationResult.Expired;
        var members = household is null ? null : householdStripe.TryHousehold(household);
        if (confirm)
        {
            var sent = entry with { ExpiresAt = long.MaxValue, State = EntryState.Sent };
            customer.Replace(sent);
            members?.Replace(sent);
            return ReservationResult.Confirmed;
        }
        customer.Remove(entry);
        members?.Remove(entry);
        return ReservationResult.Cancelled;
    }

    Stripe StripeOf(ProfileId profile) => _stripes[(int)(((ulong)profile.Value * 0x9E3779B97F4A7C15UL) >> _shift)];

    Stripe StripeOf(string household) => _stripes[(int)(((ulong)(uint)household.GetHashCode() * 0x9E3779B97F4A7C15UL) >> _shift)];

    (Stripe Customer, Stripe Household) StripesOf(ProfileId profile, string? household)
    {
        var customer = StripeOf(profile);
        return (customer, household is null ? customer : StripeOf(household));
    }

    /// <summary>Holds one or two stripes, taken in index order and released in reverse.</summary>
    readonly ref struct Held
    {
        readonly Stripe _first, _second;

        public Held(Stripe a, Stripe b)
        {
            (_first, _second) = a.Index <= b.Index ? (a, b) : (b, a);
            _first.Gate.Enter();
            if (!ReferenceEquals(_second, _first)) _second.Gate.Enter();
        }

        public void Dispose()
        {
            if (!ReferenceEquals(_second, _first)) _second.Gate.Exit();
            _first.Gate.Exit();
        }
    }

    sealed class Stripe(int index)
    {
        readonly Dictionary<long, Entries> _customers = [];
        readonly Dictionary<string, Entries> _households = new(StringComparer.Ordinal);

        public int Index { get; } = index;

        public Lock Gate { get; } = new();

        /// <summary>
        /// The customer's entries, made when missing. A new customer's numbers start at the current
        /// time in microseconds, so a customer forgotten by <see cref="Sweep"/> and seen again never
        /// reuses an old reservation id (short of a million reservations a second for one person).
        /// </summary>
        public Entries Customer(ProfileId profile, long now)
        {
            if (!_customers.TryGetValue(profile.Value, out var entries))
                _customers[profile.Value] = entries = new Entries { LastSequence = now / 10 };
            return entries;
        }

        public Entries? TryCustomer(ProfileId profile) => _customers.GetValueOrDefault(profile.Value);

        public Entries Household(string household)
        {
            if (!_households.TryGetValue(household, out var entries)) _households[household] = entries = new Entries();
            return entries;
        }

        public Entries? TryHousehold(string household) => _households.GetValueOrDefault(household);

        public long Sweep(long now)
        {
            long dropped = 0;
            foreach (var (key, entries) in _customers)
            {
                dropped += entries.Compact(now);
                if (entries.Count == 0) _customers.Remove(key);
            }
            foreach (var (key, entries) in _households)
            {
                dropped += entries.Compact(now);
                if (entries.Count == 0) _households.Remove(key);
            }
            return dropped;
        }
    }

    /// <summary>One customer's or household's entries, in time order (as <see cref="CompiledContactPolicy.Check"/> needs).</summary>
    sealed class Entries
    {
        ContactEntry[] _items = new ContactEntry[4];

        public int Count { get; private set; }

        /// <summary>The customer's last entry number (unused for households).</summary>
        public long LastSequence;

        public ReadOnlySpan<ContactEntry> Span => new(_items, 0, Count);

        public void Add(in ContactEntry entry, long now)
        {
            if (Count == _items.Length)
            {
                Compact(now);
                if (Count > _items.Length / 2) Array.Resize(ref _items, _items.Length * 2);
            }
            // Nearly always the newest; a message reported late moves into its place.
            var at = Count;
            while (at > 0 && _items[at - 1].At > entry.At) at--;
            Array.Copy(_items, at, _items, at + 1, Count - at);
            _items[at] = entry;
            Count++;
        }

        public ContactEntry? Find(long sequence)
        {
            for (var i = Count - 1; i >= 0; i--)
            {
                if (_items[i].Sequence == sequence) return _items[i];
            }
            return null;
        }

        public void Replace(in ContactEntry entry)
        {
            var i = IndexOf(entry);
            if (i >= 0) _items[i] = entry;
        }

        public void Remove(in ContactEntry entry)
        {
            var i = IndexOf(entry);
            if (i < 0) return;
            Array.Copy(_items, i + 1, _items, i, Count - i - 1);
            _items[--Count] = default;
        }

        int IndexOf(in ContactEntry entry)
        {
            for (var i = Count - 1; i >= 0; i--)
            {
                if (_items[i].Sequence == entry.Sequence && _items[i].Profile == entry.Profile) return i;
            }
            return -1;
        }

        /// <summary>Drops lapsed reservations and entries too old to count; returns how many.</summary>
        public int Compact(long now)
        {
            var oldest = now - CompiledContactPolicy.Retention.Ticks;
            var kept = 0;
            for (var i = 0; i < Count; i++)
            {
                if (_items[i].IsLive(now) && _items[i].At >= oldest) _items[kept++] = _items[i];
            }
            var dropped = Count - kept;
            Array.Clear(_items, kept, dropped);
            Count = kept;
            return dropped;
        }
    }
}
