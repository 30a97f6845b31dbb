using System.Globalization;
using CommonGround.Identity;

namespace CommonGround.Benchmarks;

/// <summary>
/// Deterministic identity evidence for the <c>identity</c> mode: invented people, the identifiers
/// they leave (userId, browser anonymousIds, app device ids, e-mails written in mixed case or with
/// spaces, Belgian phones in several national formats, "source:customerId" external ids) and the
/// observations that carry them, shaped like Segment calls and customer records: page views with one
/// anonymousId, identify and track calls joining a userId to an anonymousId, an e-mail or a phone,
/// app events joining an anonymousId to a device, shop and CRM records joining a customer id to an
/// e-mail and a phone.
/// </summary>
/// <remarks>
/// <para>Every value comes from a SplitMix64 stream keyed by (seed, person, purpose), so a person
/// can be described again without generating the others, and the same seed always gives the same
/// observations in the same order.</para>
/// <para>What the graph must make of it is known by construction: each person's evidence is
/// connected, so without the traps below every person is one profile. The traps: pairs of
/// registered people who share a tablet (a deviceId) or a household e-mail, each seen only next to
/// the person's userId, so the one-userId limit must refuse every observation of the shared value by
/// the second person (one conflict each, counted in stream order); junk values ("null", "undefined",
/// "0", "test@test.com") and impossible phones, ignored and counted; and a held-back browser session
/// of some registered people, seen only on its own, so it is a profile of its own until an
/// incremental batch logs it in. A plain connected-components count (no type limits) joins each
/// sharing pair into one component instead.</para>
/// </remarks>
sealed class IdentityCorpus
{
    /// <summary>One observation as the graph receives it, and the identifiers it holds once normalised (junk and invalid values left out).</summary>
    public sealed record Sighting(IdentityEvidence Evidence, Identifier[] Usable);

    /// <summary>What a correct resolution gives: profiles, identifiers, refused links, ignored values, and connected components without type limits.</summary>
    public sealed record Expectation(int Profiles, int Identifiers, int Conflicts, long Junk, long Invalid, int Components);

    /// <summary>One incremental batch and the graph's expected totals after it.</summary>
    public sealed record Batch(IReadOnlyList<Sighting> Sightings, int Links, int NewPeople, int NewDevices, int Returning, Expectation After);

    const int BlockPeople = 10_000;
    const double RegisteredShare = 0.6;
    const double PendingShare = 0.01;
    const double SharedDeviceShare = 0.03;
    const double HouseholdEmailShare = 0.03;

    static readonly string[] FirstNames =
        ["ann", "bart", "chloe", "dirk", "els", "filip", "greet", "hanne", "ilse", "jan", "katrien", "lucas", "marie", "nina", "olivier", "pieter", "sofie", "tom", "wout", "yasmine"];
    static readonly string[] LastNames =
        ["peeters", "janssens", "maes", "jacobs", "mertens", "willems", "claes", "goossens", "wouters", "de smet", "dubois", "lambert", "dupont", "martens", "hermans"];
    static readonly string[] Domains = ["gmail.com", "hotmail.com", "telenet.be", "skynet.be", "outlook.com", "proximus.be", "yahoo.fr"];
    static readonly string[] JunkIds = ["null", "undefined", "0"];
    static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    readonly int _people;
    readonly int _seed;
    readonly List<int> _pending = [];
    long _sequence;

    IdentityCorpus(int people, int seed)
    {
        _people = people;
        _seed = seed;
    }

    public IReadOnlyList<Sighting> Base { get; private set; } = [];

    public Expectation Expected { get; private set; } = new(0, 0, 0, 0, 0, 0);

    public IReadOnlyList<Batch> Batches { get; private set; } = [];

    /// <summary>The base corpus of <paramref name="people"/> people and <paramref name="batches"/> incremental batches of <paramref name="batchEvents"/> events each.</summary>
    public static IdentityCorpus Create(int people, int seed, int batches, int batchEvents)
    {
        if (people < BlockPeople || people % BlockPeople != 0)
            throw new ArgumentOutOfRangeException(nameof(people), $"People must be a positive multiple of {BlockPeople:N0}.");
        var corpus = new IdentityCorpus(people, seed);
        corpus.Base = corpus.GenerateBase();
        var incremental = new List<Batch>(batches);
        for (var b = 0; b < batches; b++) incremental.Add(corpus.GenerateBatch(b, batches, batchEvents, incremental.Count > 0 ? incremental[^1].After : corpus.Expected));
        corpus.Batches = incremental;
        return corpus;
    }

    // ---- people ----

    /// <summary>Everything one person is known by, canonical (as the normaliser writes it).</summary>
    sealed record Person(int Index, string? UserId, string[] Anonymous, string? Device, string[] Emails, string? PhoneNational, string? External, string? Pending);

    enum Purpose
    {
        Registration = 1,
        Profile,
        Household,
        Pending,
        Block,
        Batch,
        Returning,
    }

    bool IsRegistered(int person) => new Draw(_seed, person, Purpose.Registration).Chance(RegisteredShare);

    Person Describe(int p)
    {
        var draw = new Draw(_seed, p, Purpose.Profile);
        var registered = IsRegistered(p);
        var anonymous = new string[registered ? draw.Pick(0.75, 0.18) + 1 : 1];
        for (var k = 0; k < anonymous.Length; k++) anonymous[k] = draw.Uuid();
        var device = draw.Chance(0.25) ? draw.Uuid().ToUpperInvariant() : null;
        var emailCount = registered ? (draw.Chance(0.85) ? (draw.Chance(0.08) ? 2 : 1) : 0) : (draw.Chance(0.12) ? 1 : 0);
        var emails = new string[emailCount];
        for (var k = 0; k < emailCount; k++) emails[k] = EmailOf(p, k);
        var phone = registered && draw.Chance(0.3) ? PhoneOf(p) : null;
        var external = emailCount > 0 && draw.Chance(0.35)
            ? (p % 3 == 0 ? "crm:" + (p * 31L + 7).ToString(CultureInfo.InvariantCulture) : "shop:C" + p.ToString("D8", CultureInfo.InvariantCulture))
            : null;
        var pending = registered && new Draw(_seed, p, Purpose.Pending).Chance(PendingShare) ? draw.Uuid() : null;
        return new Person(p, registered ? UserIdOf(p) : null, anonymous, device, emails, phone, external, pending);
    }

    static string UserIdOf(int p) => "usr_" + ((uint)(p * 2_654_435_761L)).ToString("x8", CultureInfo.InvariantCulture) + p.ToString(CultureInfo.InvariantCulture);

    static string EmailOf(int p, int k)
    {
        var first = FirstNames[p % FirstNames.Length];
        var last = LastNames[p / FirstNames.Length % LastNames.Length].Replace(" ", "", StringComparison.Ordinal);
        return k == 0
            ? $"{first}.{last}{p}@{Domains[p % Domains.Length]}"
            : $"{first[0]}{last}.{p}@work{p % 97}.be";
    }

    /// <summary>A Belgian mobile number's national significant digits (47x xx xx xx), distinct for every person below ten million.</summary>
    static string PhoneOf(int p) => "47" + ((p * 7_919_993L + 12_345) % 10_000_000).ToString("D7", CultureInfo.InvariantCulture);

    static string E164(string national) => "+32" + national;

    // (kind of shared value, canonical value) for the pair a registered person belongs to, if they share one.
    (string Type, string Value)? SharedOf(int p)
    {
        var group = p >> 1;
        if (!IsRegistered(group * 2) || !IsRegistered(group * 2 + 1)) return null;
        var draw = new Draw(_seed, group, Purpose.Household);
        var roll = draw.Unit();
        if (roll < SharedDeviceShare) return (IdentifierTypes.DeviceId, draw.Uuid().ToUpperInvariant());
        if (roll < SharedDeviceShare + HouseholdEmailShare)
            return (IdentifierTypes.Email, $"family.{LastNames[group % LastNames.Length].Replace(" ", "", StringComparison.Ordinal)}{group}@{Domains[group % Domains.Length]}");
        return null;
    }

    // ---- the base corpus ----

    /// <summary>An observation before it is placed in time: raw identifiers, the usable canonical ones, where it came from.</summary>
    sealed record Draft(ObservedIdentifier[] Raw, Identifier[] Usable, string Source, string? RecordKey, int Person, int SharedGroup);

    sealed class Tally
    {
        public int Identifiers;
        public int Profiles;
        public int SharingPairs;
        public long Junk;
        public long Invalid;
    }

    List<Sighting> GenerateBase()
    {
        var sightings = new List<Sighting>(_people * 5);
        var tally = new Tally();
        var owners = new Dictionary<int, int>();
        var conflicts = 0;
        for (var block = 0; block < _people / BlockPeople; block++)
        {
            var drafts = new List<Draft>(BlockPeople * 5);
            for (var p = block * BlockPeople; p < (block + 1) * BlockPeople; p++) Observe(Describe(p), drafts, tally);
            // Interleave the block's people, as a day of traffic would.
            new Draw(_seed, block, Purpose.Block).Shuffle(drafts);
            foreach (var draft in drafts)
            {
                if (draft.SharedGroup >= 0)
                {
                    // The first person seen with a shared value keeps it; every later observation of it by the other is refused.
                    ref var owner = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(owners, draft.SharedGroup, out var known);
                    if (!known) owner = draft.Person;
                    else if (owner != draft.Person) conflicts++;
                }
                sightings.Add(Place(draft));
            }
        }
        Expected = new Expectation(tally.Profiles, tally.Identifiers, conflicts, tally.Junk, tally.Invalid, tally.Profiles - tally.SharingPairs);
        return sightings;
    }

    void Observe(Person person, List<Draft> drafts, Tally tally)
    {
        var draw = new Draw(_seed, person.Index, Purpose.Block);
        var p = person.Index;
        var user = person.UserId;
        tally.Profiles += person.Pending is null ? 1 : 2;
        tally.Identifiers += (user is null ? 0 : 1) + person.Anonymous.Length + (person.Device is null ? 0 : 1) + person.Emails.Length
            + (person.PhoneNational is null ? 0 : 1) + (person.External is null ? 0 : 1) + (person.Pending is null ? 0 : 1);
        var source = person.Device is null ? "web" : "ios";

        void Add(string src, string? recordKey, int shared, params (string Type, string Raw, string? Canonical)[] ids) =>
            drafts.Add(NewDraft(src, recordKey, p, shared, ids));

        // Page views: one anonymousId each; now and then a tracking plan that writes "null" into userId.
        foreach (var anonymous in person.Anonymous.Concat(person.Pending is null ? [] : [person.Pending]))
        {
            for (var v = draw.Below(3); v >= 0; v--)
            {
                if (draw.Chance(0.02))
                {
                    tally.Junk++;
                    Add(source, null, -1, (IdentifierTypes.UserId, JunkIds[draw.Below(JunkIds.Length)], null), (IdentifierTypes.AnonymousId, anonymous, anonymous));
                }
                else
                {
                    Add(source, null, -1, (IdentifierTypes.AnonymousId, Spaced(anonymous, draw), anonymous));
                }
            }
        }
        if (person.Device is { } device)
        {
            for (var v = draw.Below(2); v >= 0; v--)
                Add("ios", null, -1, (IdentifierTypes.AnonymousId, person.Anonymous[0], person.Anonymous[0]), (IdentifierTypes.DeviceId, device, device));
        }

        if (user is not null)
        {
            // Sign-up or log-in: identify with the first browser and, mostly, the e-mail.
            if (person.Emails.Length > 0)
                Add(source, null, -1, (IdentifierTypes.UserId, user, user), (IdentifierTypes.AnonymousId, person.Anonymous[0], person.Anonymous[0]),
                    (IdentifierTypes.Email, EmailAsTyped(person.Emails[0], draw), person.Emails[0]));
            else
                Add(source, null, -1, (IdentifierTypes.UserId, user, user), (IdentifierTypes.AnonymousId, person.Anonymous[0], person.Anonymous[0]));
            for (var k = 1; k < person.Anonymous.Length; k++)
                Add("web", null, -1, (IdentifierTypes.UserId, user, user), (IdentifierTypes.AnonymousId, person.Anonymous[k], person.Anonymous[k]));
            // Server-side track calls: the userId alone.
            for (var v = draw.Below(2); v > 0; v--) Add("server", null, -1, (IdentifierTypes.UserId, user, user));
            if (person.Emails.Length > 1)
                Add("web", null, -1, (IdentifierTypes.UserId, user, user), (IdentifierTypes.Email, EmailAsTyped(person.Emails[1], draw), person.Emails[1]));
            if (person.PhoneNational is { } phone)
            {
                var e164 = E164(phone);
                if (draw.Chance(0.02))
                {
                    tally.Junk++;
                    Add("web", null, -1, (IdentifierTypes.UserId, user, user), (IdentifierTypes.Phone, PhoneAsTyped(phone, draw), e164), (IdentifierTypes.Phone, "0", null));
                }
                else
                {
                    Add("web", null, -1, (IdentifierTypes.UserId, user, user), (IdentifierTypes.Phone, PhoneAsTyped(phone, draw), e164));
                }
            }
            else if (draw.Chance(0.01))
            {
                tally.Invalid++;
                Add("web", null, -1, (IdentifierTypes.UserId, user, user), (IdentifierTypes.Phone, "12345", null));
            }
            if (SharedOf(p) is { } shared)
            {
                if (p % 2 == 0)
                {
                    tally.Identifiers++;
                    tally.SharingPairs++;
                }
                var raw = shared.Type == IdentifierTypes.Email ? EmailAsTyped(shared.Value, draw) : shared.Value;
                for (var v = draw.Below(2); v >= 0; v--)
                    Add(source, null, p >> 1, (IdentifierTypes.UserId, user, user), (shared.Type, raw, shared.Value));
            }
        }
        else if (person.Emails.Length > 0)
        {
            // Newsletter form: the browser and the typed address; sometimes a placeholder address as well.
            if (draw.Chance(0.02))
            {
                tally.Junk++;
                Add("web", null, -1, (IdentifierTypes.AnonymousId, person.Anonymous[0], person.Anonymous[0]),
                    (IdentifierTypes.Email, EmailAsTyped(person.Emails[0], draw), person.Emails[0]), (IdentifierTypes.Email, "Test@Test.com", null));
            }
            else
            {
                Add("web", null, -1, (IdentifierTypes.AnonymousId, person.Anonymous[0], person.Anonymous[0]),
                    (IdentifierTypes.Email, EmailAsTyped(person.Emails[0], draw), person.Emails[0]));
            }
        }

        if (person.External is { } external)
        {
            var (system, key) = (external[..external.IndexOf(':', StringComparison.Ordinal)], external[(external.IndexOf(':', StringComparison.Ordinal) + 1)..]);
            if (person.PhoneNational is { } phone && draw.Chance(0.5))
                Add(system, key, -1, (IdentifierTypes.ExternalId, external, external), (IdentifierTypes.Email, EmailAsTyped(person.Emails[0], draw), person.Emails[0]),
                    (IdentifierTypes.Phone, PhoneAsTyped(phone, draw), E164(phone)));
            else
                Add(system, key, -1, (IdentifierTypes.ExternalId, external, external), (IdentifierTypes.Email, EmailAsTyped(person.Emails[0], draw), person.Emails[0]));
        }
    }

    Sighting Place(Draft draft)
    {
        var sequence = _sequence++;
        var reference = draft.RecordKey is null
            ? EvidenceReference.Event(draft.Source, "m" + sequence.ToString(CultureInfo.InvariantCulture))
            : EvidenceReference.Record(draft.Source, draft.RecordKey);
        return new Sighting(new IdentityEvidence(reference, Start.AddMilliseconds(sequence * 50), draft.Raw), draft.Usable);
    }

    // ---- incremental batches ----

    Batch GenerateBatch(int b, int batches, int events, Expectation before)
    {
        if (b == 0)
        {
            for (var p = 0; p < _people; p++)
            {
                if (IsRegistered(p) && new Draw(_seed, p, Purpose.Pending).Chance(PendingShare)) _pending.Add(p);
            }
        }
        var links = Math.Min(events / 10, _pending.Count / batches);
        var newPeople = events * 3 / 20;
        var newDevices = events / 10;
        var returning = events - links - 2 * newPeople - newDevices;
        var draw = new Draw(_seed, b, Purpose.Batch);
        var drafts = new List<Draft>(events);
        long junk = 0;

        // Held-back sessions logging in: the session's profile merges into the person's.
        for (var i = 0; i < links; i++)
        {
            var person = Describe(_pending[b * links + i]);
            drafts.Add(EventDraft("web", (IdentifierTypes.UserId, person.UserId!, person.UserId), (IdentifierTypes.AnonymousId, person.Pending!, person.Pending)));
        }
        // New visitors who sign up: a page view, then identify with userId and e-mail.
        for (var i = 0; i < newPeople; i++)
        {
            var p = _people + b * newPeople + i;
            var anonymous = draw.Uuid();
            var user = UserIdOf(p);
            var email = EmailOf(p, 0);
            drafts.Add(EventDraft("web", (IdentifierTypes.AnonymousId, anonymous, anonymous)));
            drafts.Add(EventDraft("web", (IdentifierTypes.UserId, user, user), (IdentifierTypes.AnonymousId, anonymous, anonymous),
                (IdentifierTypes.Email, EmailAsTyped(email, draw), email)));
        }
        // Known people on a new browser: one new identifier, no new profile.
        for (var i = 0; i < newDevices; i++)
        {
            var p = NextRegistered(draw);
            var anonymous = draw.Uuid();
            drafts.Add(EventDraft("web", (IdentifierTypes.UserId, UserIdOf(p), UserIdOf(p)), (IdentifierTypes.AnonymousId, anonymous, anonymous)));
        }
        // Returning visitors: identifiers the graph knows, sometimes with a junk userId.
        var returningDraw = new Draw(_seed, b, Purpose.Returning);
        for (var i = 0; i < returning; i++)
        {
            var person = Describe(returningDraw.Below(_people));
            var anonymous = person.Anonymous[returningDraw.Below(person.Anonymous.Length)];
            if (person.UserId is { } user && returningDraw.Chance(0.5))
            {
                drafts.Add(EventDraft("web", (IdentifierTypes.UserId, user, user), (IdentifierTypes.AnonymousId, anonymous, anonymous)));
            }
            else if (returningDraw.Chance(0.05))
            {
                junk++;
                drafts.Add(EventDraft("web", (IdentifierTypes.UserId, "undefined", null), (IdentifierTypes.AnonymousId, anonymous, anonymous)));
            }
            else
            {
                drafts.Add(EventDraft("web", (IdentifierTypes.AnonymousId, anonymous, anonymous)));
            }
        }
        draw.Shuffle(drafts);
        var after = before with
        {
            Profiles = before.Profiles + newPeople - links,
            Identifiers = before.Identifiers + 3 * newPeople + newDevices,
            Junk = before.Junk + junk,
            Components = before.Components + newPeople - links,
        };
        return new Batch(drafts.ConvertAll(Place), links, newPeople, newDevices, returning, after);
    }

    int NextRegistered(Draw draw)
    {
        while (true)
        {
            var p = draw.Below(_people);
            if (IsRegistered(p)) return p;
        }
    }

    static Draft EventDraft(string source, params (string Type, string Raw, string? Canonical)[] ids) => NewDraft(source, null, -1, -1, ids);

    static Draft NewDraft(string source, string? recordKey, int person, int sharedGroup, (string Type, string Raw, string? Canonical)[] ids) =>
        new([.. ids.Select(i => new ObservedIdentifier(i.Type, i.Raw))],
            [.. ids.Where(i => i.Canonical is not null).Select(i => new Identifier(i.Type, i.Canonical!))], source, recordKey, person, sharedGroup);

    // ---- how people type things ----

    static string Spaced(string value, Draw draw) => draw.Chance(0.01) ? value + " " : value;

    static string EmailAsTyped(string email, Draw draw) => draw.Below(10) switch
    {
        0 or 1 => char.ToUpperInvariant(email[0]) + email[1..],                              // Ann.peeters5@gmail.com
        2 => email[..email.IndexOf('@', StringComparison.Ordinal)] + email[email.IndexOf('@', StringComparison.Ordinal)..].ToUpperInvariant(),
        3 => " " + email + " ",
        4 => email.ToUpperInvariant(),
        _ => email,
    };

    static string PhoneAsTyped(string national, Draw draw)
    {
        var spaced = $"{national[..3]} {national[3..5]} {national[5..7]} {national[7..]}";
        return draw.Below(6) switch
        {
            0 => "+32" + national,
            1 => "0" + spaced,                                                                     // 0470 12 34 56
            2 => $"0{national[..3]}/{national[3..5]}.{national[5..7]}.{national[7..]}",           // 0470/12.34.56
            3 => "+32 " + spaced,
            4 => "0032 " + spaced,
            _ => "0" + national,
        };
    }

    /// <summary>A SplitMix64 stream keyed by (seed, subject, purpose): deterministic and independent of every other.</summary>
    sealed class Draw(int seed, long subject, Purpose purpose)
    {
        ulong _state = Mix(Mix((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)purpose) ^ (ulong)subject);

        static ulong Mix(ulong z)
        {
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        ulong Next() => Mix(_state += 0x9E3779B97F4A7C15UL);

        public double Unit() => (Next() >> 11) * (1.0 / (1UL << 53));

        public bool Chance(double p) => Unit() < p;

        public int Below(int n) => (int)(Next() % (ulong)n);

        /// <summary>0 with probability <paramref name="first"/>, 1 with <paramref name="second"/>, else 2.</summary>
        public int Pick(double first, double second)
        {
            var u = Unit();
            return u < first ? 0 : u < first + second ? 1 : 2;
        }

        public string Uuid()
        {
            Span<byte> bytes = stackalloc byte[16];
            BitConverter.TryWriteBytes(bytes, Next());
            BitConverter.TryWriteBytes(bytes[8..], Next());
            return new Guid(bytes).ToString();
        }

        public void Shuffle<T>(List<T> list)
        {
            for (var i = list.Count - 1; i > 0; i--)
            {
                var j = Below(i + 1);
                (list[i], list[j]) = (list[j], list[i]);
            }
        }
    }
}
