using System.Numerics;
using CommonGround.Campaigns;
using CommonGround.Identity;

namespace CommonGround.ContactPolicy;

/// <summary>
/// A message being decided: who, where they live, when (UTC ticks), and the campaign's facts as
/// indexes in the policy's <see cref="CampaignDirectory"/>. Made by <see cref="CompiledContactPolicy.Candidate"/>.
/// </summary>
public readonly record struct ContactCandidate(
    ProfileId Profile, string? Household, long At, int Campaign, int Team, Channel Channel, CampaignCategory Category,
    LocalCalendar Calendar, LocalDay Day)
{
    public ContactEntry ToEntry(int sequence, long expiresAt, EntryState state) =>
        new(At, expiresAt, Profile, sequence, Campaign, Team, Channel, Category, state);
}

/// <summary>What a check found: the caps that are used up (one bit per cap) and the minimum gap that is too short (-1 for none).</summary>
public readonly record struct Verdict(ulong Caps, int Gap)
{
    public static Verdict Fits => new(0, -1);

    public bool Allowed => Caps == 0 && Gap < 0;
}

/// <summary>
/// A <see cref="ContactPolicyDefinition"/> turned into masks and arrays for the hot path: which caps
/// a message counts toward is a few comparisons and bit operations per ledger entry, with no
/// allocation when the message fits. Immutable and thread-safe; one per policy version.
/// </summary>
/// <remarks>
/// The rules, applied to marketing and (when counted) advertising messages; transactional ones are
/// exempt from everything but suppression lists that include them:
/// a cap counts the live entries (sent, planned, or reserved and not expired) of the customer (or of
/// the household) that share the cap's scope with the message and fall in its window around the
/// message's time; the message fits when every such count is below the limit. Calendar windows are
/// the customer's local day or month holding the message; rolling windows hold every period of that
/// length that contains the message, so a message planned before later accepted ones is checked
/// against each of them.
/// </remarks>
public sealed class CompiledContactPolicy
{
    const int Windows = 4;
    static readonly long Hour = TimeSpan.TicksPerHour, Week = TimeSpan.TicksPerDay * 7;

    /// <summary>Entries older than this never count; ledgers may forget them.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(35);

    readonly ContactCap[] _caps;
    readonly int[] _limits;
    readonly CapWindow[] _windows;
    readonly string[] _capRules;
    readonly ulong _customerCaps, _householdCaps, _allScope, _channelEach, _categoryEach, _teamEach;
    readonly ulong[] _channelFixed = new ulong[Channels.Count], _categoryFixed = new ulong[3], _windowCaps = new ulong[Windows];
    readonly ulong[] _teamFixed;
    readonly bool[] _counted = new bool[3];
    readonly Gap[][] _gapsByChannel = new Gap[Channels.Count][];
    readonly string[] _gapRules;
    readonly (TimeSpan Start, TimeSpan End)?[] _quiet = new (TimeSpan, TimeSpan)?[Channels.Count];
    readonly bool[] _optIn = new bool[Channels.Count];
    readonly Dictionary<string, SuppressionList> _lists;
    readonly Dictionary<string, int> _teamPriority;

    /// <exception cref="ContactPolicyException">The policy is not valid.</exception>
    public CompiledContactPolicy(ContactPolicyDefinition definition, int version, CampaignDirectory directory)
    {
        ContactPolicyValidator.ThrowIfInvalid(definition);
        Definition = definition;
        Version = version;
        Directory = directory;
        DefaultCalendar = LocalCalendar.Find(definition.DefaultTimeZone);
        _counted[(int)CampaignCategory.Marketing] = true;
        _counted[(int)CampaignCategory.Advertising] = definition.AdvertisingCountsTowardCaps;

        _caps = [.. definition.Caps];
        _limits = _caps.Select(c => c.Limit).ToArray();
        _windows = _caps.Select(c => c.Window).ToArray();
        _capRules = _caps.Select(Describe).ToArray();
        var fixedTeams = _caps.Where(c => c.Scope == CapScope.Team && c.Team is not null).Select(c => directory.TeamIndex(c.Team!)).ToList();
        _teamFixed = new ulong[fixedTeams.Count == 0 ? 0 : fixedTeams.Max() + 1];
        for (var k = 0; k < _caps.Length; k++)
        {
            var cap = _caps[k];
            var bit = 1UL << k;
            if (cap.Level == CapLevel.Customer) _customerCaps |= bit;
            else _householdCaps |= bit;
            _windowCaps[(int)cap.Window] |= bit;
            switch (cap.Scope)
            {
                case CapScope.AllMarketing: _allScope |= bit; break;
                case CapScope.Channel when cap.Channel is { } channel: _channelFixed[(int)channel] |= bit; break;
                case CapScope.Channel: _channelEach |= bit; break;
                case CapScope.Category when cap.Category is { } category: _categoryFixed[(int)category] |= bit; break;
                case CapScope.Category: _categoryEach |= bit; break;
                case CapScope.Team when cap.Team is { } team:
                    var index = directory.TeamIndex(team);
                    _teamFixed[index] |= bit;
                    break;
                case CapScope.Team: _teamEach |= bit; break;
            }
        }

        var gaps = definition.MinimumGaps.Select((g, i) => new Gap(i, g.Gap.Ticks, g.Channel)).ToArray();
        for (var channel = 0; channel < Channels.Count; channel++)
            _gapsByChannel[channel] = gaps.Where(g => g.Channel is null || (int)g.Channel == channel).ToArray();
        var counted = definition.AdvertisingCountsTowardCaps ? "marketing messages or ads" : "marketing messages";
        _gapRules = definition.MinimumGaps
            .Select(g => $"at least {Words.Duration(g.Gap)} between two {(g.Channel is { } c ? Channels.Noun(c, 2) : counted)}")
            .ToArray();
        foreach (var quiet in definition.QuietHours)
            _quiet[(int)quiet.Channel] = (quiet.Start.ToTimeSpan(), quiet.End.ToTimeSpan());
        foreach (var channel in definition.OptInChannels) _optIn[(int)channel] = true;
        _lists = definition.SuppressionLists.ToDictionary(l => l.Name, StringComparer.Ordinal);
        _teamPriority = definition.Teams.ToDictionary(t => t.Team, t => t.Priority, StringComparer.Ordinal);
    }

    public ContactPolicyDefinition Definition { get; }

    public int Version { get; }

    /// <summary>Numbers the campaigns and teams the policy's entries refer to.</summary>
    public CampaignDirectory Directory { get; }

    public TimeSpan ReservationTimeout => Definition.ReservationTimeout;

    internal LocalCalendar DefaultCalendar { get; }

    /// <summary>The rule of each cap in words, in the policy's order ("2 marketing messages a day across teams").</summary>
    public IReadOnlyList<string> CapRules => _capRules;

    /// <summary>A team's priority (higher first); teams the policy does not list have 0, after every listed one.</summary>
    public int TeamPriority(string team) => _teamPriority.GetValueOrDefault(team);

    public ContactCandidate Candidate(ProfileId profile, string? household, DateTimeOffset at, int campaign, LocalCalendar calendar)
    {
        var facts = Directory[campaign];
        var utc = at.UtcTicks;
        return new ContactCandidate(profile, household, utc, campaign, Directory.TeamOf(campaign), facts.Channel, facts.Category,
            calendar, calendar.DayOf(utc));
    }

    /// <summary>
    /// The checks that need no ledger: suppression lists, consent, quiet hours, in that order.
    /// Returns the first that holds the message back, with the index of the list (suppression), or 0.
    /// </summary>
    internal (HoldCode? Code, int Rule) Precheck(in ContactCandidate c, Consent consent, IReadOnlyList<string>? lists)
    {
        if (lists is { Count: > 0 })
        {
            for (var i = 0; i < lists.Count; i++)
            {
                if (Blocks(lists[i], c.Channel, c.Category)) return (HoldCode.Suppressed, i);
            }
        }
        if (c.Category == CampaignCategory.Transactional) return (null, 0);
        if (consent == Consent.Refused) return (HoldCode.ConsentRefused, 0);
        if (consent != Consent.Granted && _optIn[(int)c.Channel]) return (HoldCode.NoConsent, 0);
        if (_quiet[(int)c.Channel] is var (start, end))
        {
            var time = c.Calendar.TimeOfDay(c.At);
            if (start < end ? time >= start && time < end : time >= start || time < end) return (HoldCode.QuietHours, 0);
        }
        return (null, 0);
    }

    /// <summary>A list the policy does not know blocks marketing and ads on every channel, never transactional messages.</summary>
    bool Blocks(string list, Channel channel, CampaignCategory category) =>
        _lists.TryGetValue(list, out var known)
            ? (known.Channels.Count == 0 || known.Channels.Contains(channel)) && (category != CampaignCategory.Transactional || known.IncludesTransactional)
            : category != CampaignCategory.Transactional;

    /// <summary>
    /// Whether the message fits the caps and gaps given the entries of the customer and of the
    /// household, each in time order (oldest first). With <paramref name="shared"/>,
    /// <paramref name="household"/> holds the customer's entries too (batch arbitration) and
    /// <paramref name="customer"/> is ignored. No allocation.
    /// </summary>
    public Verdict Check(in ContactCandidate c, ReadOnlySpan<ContactEntry> customer, ReadOnlySpan<ContactEntry> household, bool shared, long now)
    {
        if (c.Category == CampaignCategory.Transactional || _caps.Length == 0 && _gapsByChannel[(int)c.Channel].Length == 0) return Verdict.Fits;
        var scopes = ScopesOf(c);
        var applicable = scopes.Applicable;
        var gaps = _counted[(int)c.Category] ? _gapsByChannel[(int)c.Channel] : [];
        if (applicable == 0 && gaps.Length == 0) return Verdict.Fits;

        Span<int> counts = stackalloc int[_caps.Length];
        ulong sliding = 0;
        var gap = -1;
        var self = applicable & (c.Household is null ? _customerCaps | _householdCaps : _customerCaps);
        var others = c.Household is null ? 0 : applicable & _householdCaps;
        if (shared)
        {
            Pass(c, scopes, household, self | others, others, gaps, now, counts, ref sliding, ref gap);
        }
        else
        {
            Pass(c, scopes, customer, self, 0, gaps, now, counts, ref sliding, ref gap);
            if (others != 0) Pass(c, scopes, household, others, others, [], now, counts, ref sliding, ref gap);
        }

        ulong full = 0;
        for (var m = applicable; m != 0; m &= m - 1)
        {
            var k = BitOperations.TrailingZeroCount(m);
            if (counts[k] >= _limits[k]) full |= 1UL << k;
        }
        for (var m = sliding & ~full; m != 0; m &= m - 1)
        {
            var k = BitOperations.TrailingZeroCount(m);
            if (WorstRollingWindow(k, scopes, c, shared ? household : SpanFor(k, c, customer, household), now, out _) >= _limits[k]) full |= 1UL << k;
        }
        return new Verdict(full, gap);
    }

    /// <summary>The caps that apply to a message, by what an entry must share with it to count.</summary>
    readonly record struct Scopes(ulong All, ulong SameChannel, ulong SameTeam, ulong SameCategory)
    {
        public ulong Applicable => All | SameChannel | SameTeam | SameCategory;
    }

    Scopes ScopesOf(in ContactCandidate c)
    {
        var category = _categoryEach | _categoryFixed[(int)c.Category];
        return _counted[(int)c.Category]
            ? new Scopes(_allScope, _channelEach | _channelFixed[(int)c.Channel], _teamEach | ((uint)c.Team < (uint)_teamFixed.Length ? _teamFixed[c.Team] : 0), category)
            : new Scopes(0, 0, 0, category);
    }

    /// <summary>
    /// Counts, for each cap in <paramref name="selfCaps"/> (entries of the customer) or
    /// <paramref name="otherCaps"/> (entries of other household members), the live entries in its
    /// window; notes rolling caps with entries after the message, and the first gap too short.
    /// Entries are in time order, so the scan runs from the newest and stops at the oldest time any
    /// of these caps or gaps looks at.
    /// </summary>
    void Pass(in ContactCandidate c, in Scopes scopes, ReadOnlySpan<ContactEntry> entries, ulong selfCaps, ulong otherCaps, Gap[] gaps, long now,
        Span<int> counts, ref ulong sliding, ref int gap)
    {
        var t = c.At;
        var day = c.Day;
        ulong hourCaps = _windowCaps[(int)CapWindow.Hour], weekCaps = _windowCaps[(int)CapWindow.Rolling7Days];
        ulong dayCaps = _windowCaps[(int)CapWindow.Day], monthCaps = _windowCaps[(int)CapWindow.Month];
        var caps = selfCaps | otherCaps;
        var horizon = long.MaxValue;
        if ((caps & hourCaps) != 0) horizon = t - Hour + 1;
        if ((caps & dayCaps) != 0) horizon = Math.Min(horizon, day.Start);
        if ((caps & weekCaps) != 0) horizon = Math.Min(horizon, t - Week + 1);
        if ((caps & monthCaps) != 0) horizon = Math.Min(horizon, day.MonthStart);
        foreach (var g in gaps) horizon = Math.Min(horizon, t - g.Ticks + 1);
        for (var i = entries.Length - 1; i >= 0; i--)
        {
            ref readonly var e = ref entries[i];
            if (e.At < horizon) break;
            if (!e.IsLive(now)) continue;
            var isSelf = e.Profile == c.Profile;
            var m = Matches(scopes, c, e) & (isSelf ? selfCaps : otherCaps);
            var d = e.At - t;
            if (m != 0)
            {
                ulong inside = 0;
                if (d <= 0)
                {
                    if (d > -Hour) inside |= hourCaps;
                    if (d > -Week) inside |= weekCaps;
                }
                else
                {
                    if (d < Hour) sliding |= m & hourCaps;
                    if (d < Week) sliding |= m & weekCaps;
                }
                if (e.At >= day.Start && e.At < day.End) inside |= dayCaps;
                if (e.At >= day.MonthStart && e.At < day.MonthEnd) inside |= monthCaps;
                for (m &= inside; m != 0; m &= m - 1) counts[BitOperations.TrailingZeroCount(m)]++;
            }
            if (gaps.Length > 0 && isSelf && _counted[(int)e.Category])
            {
                foreach (var g in gaps)
                {
                    if ((g.Channel is null || g.Channel == e.Channel) && Math.Abs(d) < g.Ticks && gap < 0) gap = g.Index;
                }
            }
        }
    }

    /// <summary>The caps of a message that entry <paramref name="e"/> shares a scope with (windows and level aside).</summary>
    ulong Matches(in Scopes scopes, in ContactCandidate c, in ContactEntry e)
    {
        ulong m = 0;
        if (_counted[(int)e.Category])
        {
            m = scopes.All;
            if (e.Channel == c.Channel) m |= scopes.SameChannel;
            if (e.Team == c.Team) m |= scopes.SameTeam;
        }
        if (e.Category == c.Category) m |= scopes.SameCategory;
        return m;
    }

    bool IsCustomerCap(int k, in ContactCandidate c) => _caps[k].Level == CapLevel.Customer || c.Household is null;

    ReadOnlySpan<ContactEntry> SpanFor(int k, in ContactCandidate c, ReadOnlySpan<ContactEntry> customer, ReadOnlySpan<ContactEntry> household) =>
        IsCustomerCap(k, c) ? customer : household;

    /// <summary>Whether entry <paramref name="e"/> counts toward cap <paramref name="k"/> for the message, ignoring its window.</summary>
    bool Counts(int k, in Scopes scopes, in ContactCandidate c, in ContactEntry e, long now) =>
        e.IsLive(now) && (Matches(scopes, c, e) & (1UL << k)) != 0 && (!IsCustomerCap(k, c) || e.Profile == c.Profile);

    static long Length(CapWindow window) => window == CapWindow.Hour ? Hour : Week;

    /// <summary>
    /// The most entries in any rolling window of cap <paramref name="k"/> that also holds the
    /// message, and where that window ends (UTC ticks). Windows are (x - length, x] for x from the
    /// message's time up to one length later; the count is highest at the message or at an entry.
    /// </summary>
    int WorstRollingWindow(int k, in Scopes scopes, in ContactCandidate c, ReadOnlySpan<ContactEntry> entries, long now, out long end)
    {
        var length = Length(_windows[k]);
        var buffer = entries.Length <= 128 ? stackalloc long[entries.Length] : new long[entries.Length];
        var n = 0;
        foreach (ref readonly var e in entries)
        {
            if (Math.Abs(e.At - c.At) < length && Counts(k, scopes, c, e, now)) buffer[n++] = e.At;
        }
        var times = buffer[..n];
        times.Sort();
        var worst = -1;
        end = c.At;
        // Window ends to try: the message itself, then each later entry; both pointers only move forward.
        int first = 0, last = 0;
        for (var i = -1; i < n; i++)
        {
            var x = i < 0 ? c.At : times[i];
            if (i >= 0 && x <= c.At) continue;
            while (last < n && times[last] <= x) last++;
            while (first < last && times[first] <= x - length) first++;
            if (last - first > worst) (worst, end) = (last - first, x);
        }
        return worst;
    }

    /// <summary>The reasons of a verdict that did not fit, each naming the messages that used its rule up.</summary>
    public List<HoldReason> Explain(in ContactCandidate c, Verdict verdict, ReadOnlySpan<ContactEntry> customer,
        ReadOnlySpan<ContactEntry> household, bool shared, long now)
    {
        var reasons = new List<HoldReason>();
        var context = Context(c);
        var scopes = ScopesOf(c);
        for (var m = verdict.Caps; m != 0; m &= m - 1)
        {
            var k = BitOperations.TrailingZeroCount(m);
            var entries = shared ? household : SpanFor(k, c, customer, household);
            long from, to;
            switch (_windows[k])
            {
                case CapWindow.Day: (from, to) = (c.Day.Start, c.Day.End); break;
                case CapWindow.Month: (from, to) = (c.Day.MonthStart, c.Day.MonthEnd); break;
                default:
                    WorstRollingWindow(k, scopes, c, entries, now, out var end);
                    (from, to) = (end - Length(_windows[k]) + 1, end + 1);
                    break;
            }
            var used = new List<ContactSend>();
            foreach (ref readonly var e in entries)
            {
                if (Counts(k, scopes, c, e, now) && e.At >= from && e.At < to) used.Add(Send(e, c));
            }
            used.Sort((a, b) => a.At.CompareTo(b.At));
            reasons.Add(new HoldReason(HoldCode.CapReached, _capRules[k], used, null, context));
        }
        if (verdict.Gap >= 0)
        {
            var gap = Definition.MinimumGaps[verdict.Gap];
            var ticks = gap.Gap.Ticks;
            ContactEntry? latest = null;
            foreach (ref readonly var e in shared ? household : customer)
            {
                if (e.IsLive(now) && e.Profile == c.Profile && _counted[(int)e.Category]
                    && (gap.Channel is null || gap.Channel == e.Channel) && Math.Abs(e.At - c.At) < ticks
                    && (latest is null || e.At > latest.Value.At))
                    latest = e;
            }
            if (latest is { } last)
                reasons.Add(new HoldReason(HoldCode.MinimumGap, _gapRules[verdict.Gap], [Send(last, c)],
                    new DateTimeOffset(last.At + ticks, TimeSpan.Zero), context));
        }
        return reasons;
    }

    /// <summary>The reason for a precheck's code (suppression, consent, quiet hours).</summary>
    internal HoldReason Explain(in ContactCandidate c, HoldCode code, int rule, IReadOnlyList<string>? lists)
    {
        var context = Context(c);
        switch (code)
        {
            case HoldCode.Suppressed:
                return new HoldReason(code, $"on the suppression list '{lists![rule]}'", [], null, context);
            case HoldCode.ConsentRefused:
                return new HoldReason(code, $"the customer refused marketing {Channels.By(c.Channel)}", [], null, context);
            case HoldCode.NoConsent:
                return new HoldReason(code, $"no consent to marketing {Channels.By(c.Channel)}, which needs opt-in", [], null, context);
            case HoldCode.QuietHours:
                var (start, end) = _quiet[(int)c.Channel]!.Value;
                var local = c.Calendar.LocalTime(c.At);
                var until = local.Date + end;
                if (until <= local) until = until.AddDays(1);
                return new HoldReason(code,
                    $"quiet hours for {Channels.Noun(c.Channel, 2)} are {Words.Clock(DateTime.MinValue + start)} to {Words.Clock(DateTime.MinValue + end)}",
                    [], c.Calendar.ToUtc(until), context);
            default:
                throw new ArgumentOutOfRangeException(nameof(code), code, "Not a precheck.");
        }
    }

    ExplanationContext Context(in ContactCandidate c) => new(Directory[c.Campaign], c.Calendar, c.Day.Date, this);

    ContactSend Send(in ContactEntry e, in ContactCandidate c) =>
        new(Directory[e.Campaign], new DateTimeOffset(e.At, TimeSpan.Zero), e.State, e.Profile != c.Profile);

    /// <summary>"2 marketing messages a day across teams", "1 SMS message a day per household across teams", "3 marketing messages in any 7 days from loyalty".</summary>
    internal static string Describe(ContactCap cap)
    {
        var n = cap.Limit;
        var messages = n == 1 ? "marketing message" : "marketing messages";
        var (noun, tail) = cap.Scope switch
        {
            CapScope.Channel when cap.Channel is { } channel => (Channels.Noun(channel, n), " across teams"),
            CapScope.Channel => (messages, " on any one channel"),
            CapScope.Category when cap.Category == CampaignCategory.Advertising => (n == 1 ? "ad" : "ads", " across teams"),
            CapScope.Category when cap.Category is not null => (messages, " across teams"),
            CapScope.Category => (n == 1 ? "message" : "messages", " of any one category"),
            CapScope.Team when cap.Team is { } team => (messages, " from " + team),
            CapScope.Team => (messages, " from any one team"),
            _ => (messages, " across teams"),
        };
        var window = cap.Window switch
        {
            CapWindow.Hour => "an hour",
            CapWindow.Day => "a day",
            CapWindow.Rolling7Days => "in any 7 days",
            _ => "a month",
        };
        var level = cap.Level == CapLevel.Household ? " per household" : "";
        return $"{n} {noun} {window}{level}{tail}";
    }

    sealed record Gap(int Index, long Ticks, Channel? Channel);
}
