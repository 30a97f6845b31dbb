using CommonGround.Identity;

namespace CommonGround.ContactPolicy;

/// <summary>A real-time question: may this campaign's message go to this customer now?</summary>
/// <param name="Household">The customer's household id, when known; household caps count its members together.</param>
/// <param name="TimeZone">IANA id of the customer's time zone; the policy's default when null.</param>
/// <param name="Consent">The customer's answer to marketing on the campaign's channel.</param>
/// <param name="SuppressionLists">Names of the suppression lists the customer is on (usually none).</param>
/// <param name="At">When the message would go; now when null. At most a day from now.</param>
public sealed record ContactRequest(
    ProfileId Profile, CampaignFacts Campaign, string? Household = null, string? TimeZone = null, Consent Consent = Consent.Unknown,
    IReadOnlyList<string>? SuppressionLists = null, DateTimeOffset? At = null);

/// <summary>
/// The answer: allowed with a reservation to confirm (or cancel) before it expires, or held back
/// with every reason that applies.
/// </summary>
public sealed record ContactDecision(
    bool Allowed, ReservationId? Reservation, DateTimeOffset? ExpiresAt, IReadOnlyList<HoldReason> Reasons, int PolicyVersion)
{
    /// <summary>"allow" or "deny".</summary>
    public string Outcome => Allowed ? "allow" : "deny";
}

/// <summary>A message that went out, as reported afterwards (e.g. by a "Message Sent" event).</summary>
/// <param name="Reservation">The reservation it used, when it had one: it is confirmed instead of counted twice.</param>
public sealed record SentMessage(
    ProfileId Profile, CampaignFacts Campaign, DateTimeOffset At, string? Household = null, string? TimeZone = null, ReservationId? Reservation = null);

/// <summary>
/// Real-time decisions for triggered messages: checks suppression, consent and quiet hours, then
/// asks the ledger to check the caps and gaps and reserve in one atomic step. Thread-safe; the
/// policy in force is read per decision, so a change applies to the next one.
/// </summary>
public sealed class ContactDecider
{
    static readonly TimeSpan Reach = TimeSpan.FromDays(1);
    readonly PolicyHistory _policies;
    readonly IContactLedger _ledger;
    readonly TimeProvider _time;

    public ContactDecider(PolicyHistory policies, IContactLedger ledger, TimeProvider time)
    {
        if (!ReferenceEquals(policies.Campaigns, ledger.Campaigns))
            throw new ArgumentException("The policy history and the ledger must share one campaign directory.", nameof(ledger));
        _policies = policies;
        _ledger = ledger;
        _time = time;
    }

    /// <exception cref="ContactRequestException">Unknown time zone, incomplete campaign facts, or a time more than a day away.</exception>
    public ValueTask<ContactDecision> DecideAsync(ContactRequest request, CancellationToken ct)
    {
        var policy = _policies.Compiled;
        var now = _time.GetUtcNow();
        var at = request.At ?? now;
        if ((at - now).Duration() > Reach)
            throw new ContactRequestException("A real-time decision is for a message sent within a day of now; plan later messages with batch arbitration.");
        var calendar = request.TimeZone is null ? policy.DefaultCalendar : LocalCalendar.Find(request.TimeZone);
        var campaign = policy.Directory.Register(request.Campaign);
        var candidate = policy.Candidate(request.Profile, request.Household, at, campaign, calendar);
        var (code, rule) = policy.Precheck(candidate, request.Consent, request.SuppressionLists);
        if (code is { } held)
            return new(new ContactDecision(false, null, null, [policy.Explain(candidate, held, rule, request.SuppressionLists)], policy.Version));

        var pending = _ledger.TryReserveAsync(candidate, policy, now, ct);
        return pending.IsCompletedSuccessfully ? new(Decision(pending.Result, policy)) : Await(pending, policy);

        static async ValueTask<ContactDecision> Await(ValueTask<LedgerOutcome> pending, CompiledContactPolicy policy) =>
            Decision(await pending, policy);
    }

    static ContactDecision Decision(LedgerOutcome outcome, CompiledContactPolicy policy) =>
        new(outcome.Allowed, outcome.Reservation, outcome.ExpiresAt, outcome.Reasons, policy.Version);

    /// <summary>The message went: the reservation counts until it leaves every window.</summary>
    public ValueTask<ReservationResult> ConfirmAsync(ReservationId reservation, CancellationToken ct) =>
        _ledger.ConfirmAsync(reservation, _time.GetUtcNow(), ct);

    /// <summary>The message will not go: its place is freed at once.</summary>
    public ValueTask<ReservationResult> CancelAsync(ReservationId reservation, CancellationToken ct) =>
        _ledger.CancelAsync(reservation, _time.GetUtcNow(), ct);

    /// <summary>
    /// Counts a message reported sent. With a reservation that is still held, that reservation is
    /// confirmed; otherwise (none, expired, or unknown) the message is recorded as sent, because it
    /// went whatever the ledger thought.
    /// </summary>
    /// <exception cref="ContactRequestException">Unknown time zone or incomplete campaign facts.</exception>
    public async ValueTask<ReservationId> RecordSentAsync(SentMessage message, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        if (message.Reservation is { } reservation && reservation.Profile == message.Profile
            && await _ledger.ConfirmAsync(reservation, now, ct) is ReservationResult.Confirmed or ReservationResult.AlreadySent)
            return reservation;
        var policy = _policies.Compiled;
        var calendar = message.TimeZone is null ? policy.DefaultCalendar : LocalCalendar.Find(message.TimeZone);
        var campaign = policy.Directory.Register(message.Campaign);
        return await _ledger.RecordSentAsync(policy.Candidate(message.Profile, message.Household, message.At, campaign, calendar), now, ct);
    }
}
