using System.Numerics;
using System.Runtime.CompilerServices;
using CommonGround.Identity;

namespace CommonGround.ContactPolicy;

/// <summary>
/// The embedded ledger: every customer's and household's entries in memory, guarded by striped
/// locks. A decision takes the customer's stripe and the household's (in stripe order, so two
/// callers never wait on each other in a circle), checks and appends while holding both: concurrent
/// callers on the same customer or household take turns, others run in parallel. Entries older than
/// <see cref="CompiledContactPolicy.Retention"/> and lapsed reservations are dropped when a customer's
/// entries are next appended to, or by <see cref="Sweep"/>. Not durable by itself: <see cref="JournaledContactLedger"/> journals
/// its changes to the store and restores them at start.
/// </summary>
/// <remarks>
/// Laid out for the hot path, where cache misses cost more than instructions: each stripe is its
/// own lock and maps customers and households straight to their entry arrays (one array read, no
/// object per customer), entries are 32 bytes in time order, and a check reads only the newest ones
/// its windows need.
/// </remarks>
public sealed class InMemoryContactLedger : IContactLedger
{
    readonly Stripe[] _stripes;
    readonly int _shift;

    /// <param name="stripes">Lock stripes, rounded up to a power of two; more means less waiting between unrelated customers.</param>
    public InMemoryContactLedger(CampaignDirectory campaigns, int stripes = 4096)
    {
        Campaigns = campaigns;
        var count = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(stripes, 2));
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
        ref var customer = ref customerStripe.Customer(candidate.Profile, utcNow);
        ref var household = ref candidate.Household is null ? ref Unsafe.NullRef<Entries>() : ref householdStripe.Household(candidate.Household);
        var members = Unsafe.IsNullRef(ref household) ? customer.Span : household.Span;
        var verdict = policy.Check(candidate, customer.Span, members, shared: false, utcNow);
        if (!verdict.Allowed)
            return new(new LedgerOutcome(null, null, policy.Explain(candidate, verdict, customer.Span, members, shared: false, utcNow)));
        var expires = now + policy.ReservationTimeout;
        var id = Append(ref customer, ref household, candidate, expires.UtcTicks, EntryState.Reserved, utcNow);
        return new(new LedgerOutcome(id, expires, []));
    }

    public ValueTask<ReservationResult> ConfirmAsync(ReservationId id, DateTimeOffset now, CancellationToken ct) =>
        new(Settle(id, now.UtcTicks, confirm: true));

    public ValueTask<ReservationResult> CancelAsync(ReservationId id, DateTimeOffset now, CancellationToken ct) =>
        new(Settle(id, now.UtcTicks, confirm: false));

    public ValueTask<ReservationId> RecordSentAsync(ContactCandidate sent, DateTimeOffset now, CancellationToken ct)
    {
        var utcNow = now.UtcTicks;
        var (customerStripe, householdStripe) = StripesOf(sent.Profile, sent.Household);
        using var held = new Held(customerStripe, householdStripe);
        ref var customer = ref customerStripe.Customer(sent.Profile, utcNow);
        ref var household = ref sent.Household is null ? ref Unsafe.NullRef<Entries>() : ref householdStripe.Household(sent.Household);
        return new(Append(ref customer, ref household, sent, long.MaxValue, EntryState.Sent, utcNow));
    }

    public ValueTask<IReadOnlyList<ContactEntry>> ReadAsync(ProfileId profile, string? household, DateTimeOffset now, CancellationToken ct)
    {
        var (customerStripe, householdStripe) = StripesOf(profile, household);
        List<ContactEntry>? live = null;
        var utcNow = now.UtcTicks;
        using (new Held(customerStripe, householdStripe))
        {
            Live(customerStripe.TryCustomer(profile), utcNow, ref live);
            if (household is not null) Live(householdStripe.TryHousehold(household), utcNow, ref live);
        }
        if (live is null) return new(Array.Empty<ContactEntry>());
        var distinct = live.DistinctBy(e => (e.Profile, e.Sequence)).OrderBy(e => e.At).ThenBy(e => e.Profile).ThenBy(e => e.Sequence).ToList();
        return new(distinct);
    }

    /// <summary>
    /// Puts back an entry read from a journal (<see cref="JournaledContactLedger"/>) under its
    /// reservation id, so a reservation made before a restart can still be confirmed or cancelled.
    /// Call before decisions start, each customer's entries in reservation-number order;
    /// <paramref name="lastSequence"/> is the customer's highest reservation number ever given
    /// (cancelled ones included), so new ids never repeat one. Returns false for an entry that no
    /// longer counts (lapsed, or past the retention period).
    /// </summary>
    public bool Restore(JournaledEntry journaled, long lastSequence, DateTimeOffset now)
    {
        var message = journaled.Message;
        var utcNow = now.UtcTicks;
        if (!journaled.IsLive(now) || message.At.UtcTicks < utcNow - CompiledContactPolicy.Retention.Ticks) return false;
        var campaign = Campaigns.Register(message.Campaign);
        var profile = journaled.Entry.Profile;
        var (customerStripe, householdStripe) = StripesOf(profile, message.Household);
        using var held = new Held(customerStripe, householdStripe);
        ref var customer = ref customerStripe.Customer(profile, utcNow, idBase: journaled.Entry.Sequence - 1);
        var sequence = journaled.Entry.Sequence - customer.Base;
        // Numbered before the customer was last forgotten: too old to count.
        if (sequence is < 1 or > int.MaxValue) return false;
        var expires = journaled.State == EntryState.Reserved && message.ExpiresAt is { } e ? e.UtcTicks : long.MaxValue;
        var entry = new ContactEntry(message.At.UtcTicks, expires, profile, (int)sequence, campaign, Campaigns.TeamOf(campaign),
            message.Campaign.Channel, message.Campaign.Category, journaled.State);
        customer.Add(entry, utcNow);
        customer.Last = (int)Math.Clamp(lastSequence - customer.Base, customer.Last, int.MaxValue);
        customer.Household = message.Household;
        if (message.Household is not null) householdStripe.Household(message.Household).Add(entry, utcNow);
        return true;
    }

    /// <summary>Drops lapsed reservations, entries past the retention period, and customers and households left empty. Returns the entries dropped.</summary>
    public long Sweep(DateTimeOffset now)
    {
        long dropped = 0;
        foreach (var stripe in _stripes)
        {
            lock (stripe) dropped += stripe.Sweep(now.UtcTicks);
        }
        return dropped;
    }

    static ReservationId Append(ref Entries customer, ref Entries household, in ContactCandidate candidate, long expires, EntryState state, long now)
    {
        var entry = candidate.ToEntry(++customer.Last, expires, state);
        customer.Add(entry, now);
        customer.Household = candidate.Household;
        if (!Unsafe.IsNullRef(ref household)) household.Add(entry, now);
        return new ReservationId(candidate.Profile, customer.Base + entry.Sequence);
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
        // The customer knows their household; find it first, then take both stripes in order.
        var customerStripe = StripeOf(id.Profile);
        string? household;
        lock (customerStripe)
        {
            ref var entries = ref customerStripe.TryCustomerRef(id.Profile);
            if (Unsafe.IsNullRef(ref entries) || entries.IndexOf(id) < 0) return ReservationResult.NotFound;
            household = entries.Household;
        }
        var (_, householdStripe) = StripesOf(id.Profile, household);
        using var held = new Held(customerStripe, householdStripe);
        ref var customer = ref customerStripe.TryCustomerRef(id.Profile);
        if (Unsafe.IsNullRef(ref customer) || customer.IndexOf(id) is not (var index and >= 0)) return ReservationResult.NotFound;
        var entry = customer.Span[index];
        if (entry.State == EntryState.Sent) return ReservationResult.AlreadySent;
        if (!entry.IsLive(now)) return ReservationResult.Expired;
        ref var members = ref household is null ? ref Unsafe.NullRef<Entries>() : ref householdStripe.TryHouseholdRef(household);
        var inHousehold = Unsafe.IsNullRef(ref members) ? -1 : members.IndexOf(entry.Profile, entry.Sequence);
        if (confirm)
        {
            customer.Replace(index, entry.AsSent());
            if (inHousehold >= 0) members.Replace(inHousehold, entry.AsSent());
            return ReservationResult.Confirmed;
        }
        customer.RemoveAt(index);
        if (inHousehold >= 0) members.RemoveAt(inHousehold);
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
            Monitor.Enter(_first);
            if (!ReferenceEquals(_second, _first)) Monitor.Enter(_second);
        }

        public void Dispose()
        {
            if (!ReferenceEquals(_second, _first)) Monitor.Exit(_second);
            Monitor.Exit(_first);
        }
    }

    /// <summary>
    /// A share of the customers and households; the stripe object itself is the lock that guards
    /// them (its monitor lives in the object's header, one cache line fewer than a separate lock).
    /// </summary>
    sealed class Stripe(int index)
    {
        readonly Table<long> _customers = new();
        readonly Table<string> _households = new();

        public int Index { get; } = index;

        /// <summary>
        /// The customer's entries, made when missing. A new customer's reservation numbers start at
        /// the current time in microseconds, so a customer forgotten by <see cref="Sweep"/> and seen
        /// again never reuses an old reservation id. The reference is valid until the next customer is added.
        /// </summary>
        public ref Entries Customer(ProfileId profile, long now, long? idBase = null)
        {
            ref var entries = ref _customers.GetOrAdd(profile.Value, Mix(profile.Value), out var added);
            if (added) entries = new Entries(idBase ?? now / 10);
            return ref entries;
        }

        public ref Entries TryCustomerRef(ProfileId profile) => ref _customers.Find(profile.Value, Mix(profile.Value));

        public ReadOnlySpan<ContactEntry> TryCustomer(ProfileId profile)
        {
            ref var entries = ref TryCustomerRef(profile);
            return Unsafe.IsNullRef(ref entries) ? default : entries.Span;
        }

        public ref Entries Household(string household)
        {
            ref var entries = ref _households.GetOrAdd(household, household.GetHashCode(), out var added);
            if (added) entries = new Entries(0);
            return ref entries;
        }

        public ref Entries TryHouseholdRef(string household) => ref _households.Find(household, household.GetHashCode());

        public ReadOnlySpan<ContactEntry> TryHousehold(string household)
        {
            ref var entries = ref TryHouseholdRef(household);
            return Unsafe.IsNullRef(ref entries) ? default : entries.Span;
        }

        public long Sweep(long now) => _customers.Sweep(now) + _households.Sweep(now);

        static int Mix(long key) => (int)(((ulong)key * 0x9E3779B97F4A7C15UL) >> 32);
    }

    /// <summary>
    /// An open-addressing map from customer or household to entries, the entries held in the slot:
    /// one array read finds them (a <see cref="Dictionary{TKey,TValue}"/> needs two). Linear probing,
    /// at most half full; removal shifts later slots back, so there are no tombstones.
    /// </summary>
    sealed class Table<TKey> where TKey : notnull
    {
        Slot[] _slots = new Slot[8];
        int _count;

        struct Slot
        {
            public TKey Key;
            public int Hash;
            public bool Used;
            public Entries Value;
        }

        public ref Entries Find(TKey key, int hash)
        {
            var mask = _slots.Length - 1;
            for (var i = hash & mask; ; i = (i + 1) & mask)
            {
                ref var slot = ref _slots[i];
                if (!slot.Used) return ref Unsafe.NullRef<Entries>();
                if (slot.Hash == hash && EqualityComparer<TKey>.Default.Equals(slot.Key, key)) return ref slot.Value;
            }
        }

        public ref Entries GetOrAdd(TKey key, int hash, out bool added)
        {
            ref var found = ref Find(key, hash);
            added = Unsafe.IsNullRef(ref found);
            if (!added) return ref found;
            if (2 * (_count + 1) > _slots.Length) Grow();
            _count++;
            return ref Place(key, hash, default);
        }

        ref Entries Place(TKey key, int hash, Entries value)
        {
            var mask = _slots.Length - 1;
            var i = hash & mask;
            while (_slots[i].Used) i = (i + 1) & mask;
            _slots[i] = new Slot { Key = key, Hash = hash, Used = true, Value = value };
            return ref _slots[i].Value;
        }

        void Grow()
        {
            var old = _slots;
            _slots = new Slot[old.Length * 2];
            foreach (var slot in old)
            {
                if (slot.Used) Place(slot.Key, slot.Hash, slot.Value);
            }
        }

        /// <summary>Compacts every entry list and removes the empty ones; returns the entries dropped.</summary>
        public long Sweep(long now)
        {
            long dropped = 0;
            var mask = _slots.Length - 1;
            for (var i = 0; i < _slots.Length; i++)
            {
                while (_slots[i].Used)
                {
                    dropped += _slots[i].Value.Compact(now);
                    if (_slots[i].Value.Count > 0) break;
                    // Remove, then place again the rest of its run, which may now sit past the gap.
                    _slots[i] = default;
                    _count--;
                    var run = new List<Slot>();
                    for (var j = (i + 1) & mask; _slots[j].Used; j = (j + 1) & mask)
                    {
                        run.Add(_slots[j]);
                        _slots[j] = default;
                    }
                    foreach (var moving in run) Place(moving.Key, moving.Hash, moving.Value);
                }
            }
            return dropped;
        }
    }

    /// <summary>
    /// One customer's or household's entries in time order (as <see cref="CompiledContactPolicy.Check"/>
    /// needs). A customer's number their entries from <see cref="Base"/> and remember the household
    /// they last counted for.
    /// </summary>
    struct Entries(long @base)
    {
        ContactEntry[] _items = [];

        public int Count { get; private set; }

        /// <summary>Reservation ids of this customer are Base + the entry's sequence.</summary>
        public readonly long Base => @base;

        /// <summary>The customer's last entry number (unused for households).</summary>
        public int Last;

        /// <summary>
        /// The household of the customer's latest entry. Confirming or cancelling a reservation
        /// updates that household's copy; in the rare case the customer changed household in between,
        /// the old household's copy simply lapses when the reservation would have.
        /// </summary>
        public string? Household;

        public readonly ReadOnlySpan<ContactEntry> Span => new(_items, 0, Count);

        public void Add(in ContactEntry entry, long now)
        {
            if (Count == _items.Length)
            {
                Compact(now);
                if (Count >= _items.Length / 2) Array.Resize(ref _items, Math.Max(4, _items.Length * 2));
            }
            // Nearly always the newest; a message reported late moves into its place.
            var at = Count;
            while (at > 0 && _items[at - 1].At > entry.At) at--;
            Array.Copy(_items, at, _items, at + 1, Count - at);
            _items[at] = entry;
            Count++;
        }

        /// <summary>The index of a customer's reservation, or -1.</summary>
        public readonly int IndexOf(ReservationId id)
        {
            var sequence = id.Sequence - @base;
            return sequence is < 1 or > int.MaxValue ? -1 : IndexOf(id.Profile, (int)sequence);
        }

        public readonly int IndexOf(ProfileId profile, int sequence)
        {
            for (var i = Count - 1; i >= 0; i--)
            {
                if (_items[i].Sequence == sequence && _items[i].Profile == profile) return i;
            }
            return -1;
        }

        public readonly void Replace(int index, in ContactEntry entry) => _items[index] = entry;

        public void RemoveAt(int index)
        {
            Array.Copy(_items, index + 1, _items, index, Count - index - 1);
            Count--;
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
            Count = kept;
            return dropped;
        }
    }
}
