using CommonGround.Campaigns;
using CommonGround.Identity;

namespace CommonGround.ContactPolicy;

/// <summary>A customer's consent to marketing on each channel, packed in one number (2 bits a channel).</summary>
public readonly record struct ChannelConsents(int Bits)
{
    /// <summary>The same answer on every channel.</summary>
    public static ChannelConsents All(Consent consent)
    {
        var bits = 0;
        for (var channel = 0; channel < Channels.Count; channel++) bits |= (int)consent << (2 * channel);
        return new ChannelConsents(bits);
    }

    public Consent this[Channel channel] => (Consent)((Bits >> (2 * (int)channel)) & 3);

    public ChannelConsents With(Channel channel, Consent consent) =>
        new((Bits & ~(3 << (2 * (int)channel))) | ((int)consent << (2 * (int)channel)));
}

/// <summary>
/// The planned sends of every team for a period, column by column so tens of millions fit in a few
/// hundred megabytes: customers (profile, household, time zone, consents, suppression lists),
/// campaigns, and sends as (customer, campaign, time) numbers. Send times are whole seconds from
/// <see cref="Start"/>. Built by one thread, then read by <see cref="Arbitrator"/>.
/// </summary>
public sealed class ContactPlan
{
    readonly List<CampaignFacts> _campaigns = [];
    readonly Dictionary<string, int> _campaignIndex = new(StringComparer.Ordinal);
    readonly List<string> _households = [];
    readonly Dictionary<string, int> _householdIndex = new(StringComparer.Ordinal);
    readonly List<LocalCalendar> _zones = [];
    readonly Dictionary<string, int> _zoneIndex = new(StringComparer.Ordinal);
    readonly List<string[]> _listSets = [[]];
    readonly Dictionary<string, int> _listSetIndex = new(StringComparer.Ordinal) { [""] = 0 };

    long[] _profiles;
    int[] _householdOf, _zoneOf, _consents, _listsOf;
    int[] _sendCustomer, _sendSeconds;
    ushort[] _sendCampaign;

    /// <param name="start">The earliest send time; later ones are stored as seconds after it.</param>
    /// <param name="customers">Expected customers (avoids growing the columns).</param>
    /// <param name="sends">Expected sends.</param>
    public ContactPlan(DateTimeOffset start, int customers = 1024, int sends = 16384)
    {
        Start = start;
        _profiles = new long[Math.Max(customers, 16)];
        _householdOf = new int[_profiles.Length];
        _zoneOf = new int[_profiles.Length];
        _consents = new int[_profiles.Length];
        _listsOf = new int[_profiles.Length];
        _sendCustomer = new int[Math.Max(sends, 16)];
        _sendSeconds = new int[_sendCustomer.Length];
        _sendCampaign = new ushort[_sendCustomer.Length];
    }

    public DateTimeOffset Start { get; }

    public int CustomerCount { get; private set; }

    public int SendCount { get; private set; }

    public IReadOnlyList<CampaignFacts> Campaigns => _campaigns;

    /// <summary>Adds a campaign (or finds it by id) and returns its number in this plan.</summary>
    public int AddCampaign(CampaignFacts facts)
    {
        if (_campaignIndex.TryGetValue(facts.Id, out var index)) return index;
        if (_campaigns.Count > ushort.MaxValue) throw new ContactRequestException("A plan holds at most 65,536 campaigns.");
        _campaigns.Add(facts);
        return _campaignIndex[facts.Id] = _campaigns.Count - 1;
    }

    /// <summary>Adds a customer and returns their number in this plan.</summary>
    /// <param name="timeZone">IANA id; null for the policy's default zone.</param>
    /// <exception cref="ContactRequestException">Unknown time zone.</exception>
    public int AddCustomer(ProfileId profile, string? household, string? timeZone, ChannelConsents consents, IReadOnlyList<string>? suppressionLists = null)
    {
        var i = CustomerCount;
        if (i == _profiles.Length)
        {
            var size = i * 2;
            Array.Resize(ref _profiles, size);
            Array.Resize(ref _householdOf, size);
            Array.Resize(ref _zoneOf, size);
            Array.Resize(ref _consents, size);
            Array.Resize(ref _listsOf, size);
        }
        _profiles[i] = profile.Value;
        _householdOf[i] = household is null ? -1 : Intern(_households, _householdIndex, household, static key => key);
        _zoneOf[i] = timeZone is null ? -1 : Intern(_zones, _zoneIndex, timeZone, LocalCalendar.Find);
        _consents[i] = consents.Bits;
        _listsOf[i] = suppressionLists is { Count: > 0 } lists ? Intern(_listSets, _listSetIndex, string.Join('\n', lists), key => key.Split('\n')) : 0;
        return CustomerCount++;
    }

    /// <summary>Plans one send of a campaign to a customer, at a time no earlier than <see cref="Start"/>.</summary>
    public void AddSend(int customer, int campaign, DateTimeOffset at)
    {
        if ((uint)customer >= (uint)CustomerCount) throw new ArgumentOutOfRangeException(nameof(customer), customer, "Not a customer of this plan.");
        if ((uint)campaign >= (uint)_campaigns.Count) throw new ArgumentOutOfRangeException(nameof(campaign), campaign, "Not a campaign of this plan.");
        var seconds = (at - Start).Ticks / TimeSpan.TicksPerSecond;
        if (seconds < 0 || seconds > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(at), at, "A send must be at or after the plan's start (and within 68 years of it).");
        var i = SendCount;
        if (i == _sendCustomer.Length)
        {
            Array.Resize(ref _sendCustomer, i * 2);
            Array.Resize(ref _sendSeconds, i * 2);
            Array.Resize(ref _sendCampaign, i * 2);
        }
        _sendCustomer[i] = customer;
        _sendSeconds[i] = (int)seconds;
        _sendCampaign[i] = (ushort)campaign;
        SendCount++;
    }

    public ProfileId Profile(int customer) => new(_profiles[customer]);

    public string? Household(int customer) => _householdOf[customer] < 0 ? null : _households[_householdOf[customer]];

    public LocalCalendar? TimeZone(int customer) => _zoneOf[customer] < 0 ? null : _zones[_zoneOf[customer]];

    public ChannelConsents Consents(int customer) => new(_consents[customer]);

    public IReadOnlyList<string> SuppressionLists(int customer) => _listSets[_listsOf[customer]];

    public int CustomerOf(int send) => _sendCustomer[send];

    public int CampaignOf(int send) => _sendCampaign[send];

    public DateTimeOffset TimeOf(int send) => Start.AddSeconds(_sendSeconds[send]);

    internal int HouseholdNumber(int customer) => _householdOf[customer];

    internal int HouseholdCount => _households.Count;

    internal long TicksOf(int send) => Start.UtcTicks + _sendSeconds[send] * TimeSpan.TicksPerSecond;

    internal int SecondsOf(int send) => _sendSeconds[send];

    static int Intern<T>(List<T> values, Dictionary<string, int> index, string key, Func<string, T> make)
    {
        if (index.TryGetValue(key, out var i)) return i;
        values.Add(make(key));
        return index[key] = values.Count - 1;
    }
}
