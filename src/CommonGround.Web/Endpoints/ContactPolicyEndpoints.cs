using System.Text.Json;
using CommonGround.Campaigns;
using CommonGround.ContactPolicy;
using CommonGround.Identity;
using CommonGround.Profiles;
using CommonGround.Storage;
using CommonGround.Web.Hosting;
using CommonGround.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CommonGround.Web.Endpoints;

/// <summary>
/// One contact policy for every team: read it and its versions (every key), change it (admins), and
/// ask in real time whether a message may go (allow with a reservation to confirm or cancel, or deny
/// with reasons in words). A profile's contacts show what the person was sent and what was held back.
/// </summary>
public static class ContactPolicyEndpoints
{
    public static RouteGroupBuilder MapContactPolicyEndpoints(this IEndpointRouteBuilder app)
    {
        var policy = app.MapGroup("/api/contact-policy").WithTags("Contact policy").RequireAuthorization();
        policy.MapGet("/", GetCurrent).WithName("GetContactPolicy").WithSummary("The version in force: number, who changed it and when, the policy.");
        policy.MapPut("/", ChangeAsync).WithName("ChangeContactPolicy").RequireAuthorization(ApiKeyAuthentication.AdminPolicy)
            .WithSummary("Makes a new version: { policy, note, basedOn }. Every problem is listed with its JSON path; 409 when basedOn is not the version in force. Admins only.");
        policy.MapGet("/versions", ListVersions).WithName("ListContactPolicyVersions").WithSummary("Every version, oldest first, without the policies.");
        policy.MapGet("/versions/{number:int}", GetVersion).WithName("GetContactPolicyVersion").WithSummary("One version with its policy.");
        policy.MapPost("/validate", Validate).WithName("ValidateContactPolicy").WithSummary("Checks a policy (the body) without saving it.");

        var decisions = app.MapGroup("/api/decisions").WithTags("Contact policy").RequireAuthorization();
        decisions.MapPost("/", DecideAsync).WithName("Decide")
            .WithSummary("May this campaign's message go to this customer now (or at 'at', within a day)? Allow with a reservation, or deny with reasons.");
        decisions.MapPost("/{reservationId}/confirm", ConfirmAsync).WithName("ConfirmReservation")
            .WithSummary("The message went: the reservation counts as sent. 404 unknown, 410 expired.");
        decisions.MapPost("/{reservationId}/cancel", CancelAsync).WithName("CancelReservation")
            .WithSummary("The message will not go: its place is freed. 404 unknown, 409 already sent, 410 expired.");

        app.MapGet("/api/profiles/{id}/contacts", ContactsAsync).WithTags("Profiles").WithName("GetProfileContacts").RequireAuthorization()
            .WithSummary("What the person was sent or has reserved (?from&to, default the last 35 days), and what was held back and why.");
        return policy;
    }

    static Ok<PolicyVersionResponse> GetCurrent(ContactPolicyService policy) => TypedResults.Ok(PolicyVersionResponse.From(policy.Current));

    static Ok<PolicyVersionSummary[]> ListVersions(ContactPolicyService policy) =>
        TypedResults.Ok(policy.Versions.Select(PolicyVersionSummary.From).ToArray());

    static Results<Ok<PolicyVersionResponse>, ProblemHttpResult> GetVersion(int number, ContactPolicyService policy) =>
        policy.History.Find(number) is { } version
            ? TypedResults.Ok(PolicyVersionResponse.From(version))
            : TypedResults.Problem(statusCode: 404, title: "No such version.",
                detail: $"The contact policy has versions 1 to {policy.Current.Number}; there is no version {number}.");

    static async Task<Results<Ok<PolicyVersionResponse>, ValidationProblem>> ChangeAsync(
        PolicyChangeRequest request, HttpContext http, ContactPolicyService policy, CancellationToken ct)
    {
        if (request.Policy is not { ValueKind: JsonValueKind.Object } json)
            return Invalid([new PolicyProblem("", "Send the policy as an object in \"policy\", with an optional \"note\" and \"basedOn\" (the version you started from).")]);
        var (parsed, problems) = Read(json);
        if (parsed is null) return Invalid(problems);
        try
        {
            var version = await policy.ChangeAsync(parsed, http.User.Caller().KeyId, string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim(),
                request.BasedOn, ct);
            return TypedResults.Ok(PolicyVersionResponse.From(version));
        }
        catch (ContactPolicyException ex)
        {
            return Invalid(ex.Problems);
        }
    }

    static Ok<ValidationResponse> Validate(JsonElement body)
    {
        var (_, problems) = Read(body.ValueKind == JsonValueKind.Object && body.TryGetProperty("policy", out var inner) && inner.ValueKind == JsonValueKind.Object ? inner : body);
        return TypedResults.Ok(new ValidationResponse(problems.Count == 0, [.. problems.Select(p => new ProblemResponse(Path(p), p.Message))]));
    }

    /// <summary>The policy and no problems, or null and every problem.</summary>
    static (ContactPolicyDefinition? Policy, IReadOnlyList<PolicyProblem> Problems) Read(JsonElement json)
    {
        try
        {
            var policy = ContactPolicyJson.Deserialize(json.GetRawText());
            var problems = ContactPolicyValidator.Validate(policy);
            return problems.Count == 0 ? (policy, problems) : (null, problems);
        }
        catch (ContactPolicyException ex)
        {
            return (null, ex.Problems);
        }
    }

    static string Path(PolicyProblem p) => p.Path.Length == 0 ? "policy" : "policy." + p.Path;

    static ValidationProblem Invalid(IReadOnlyList<PolicyProblem> problems) => TypedResults.ValidationProblem(
        problems.GroupBy(Path).ToDictionary(g => g.Key, g => g.Select(p => p.Message).ToArray()),
        title: "The contact policy is not valid; nothing changed.");

    static async Task<Results<Ok<DecisionResponse>, ValidationProblem, ProblemHttpResult>> DecideAsync(
        DecisionRequest request, HttpContext http, DecisionRequests requests, ContactPolicyService policy, CancellationToken ct)
    {
        var (contact, invalid, problem) = await requests.ResolveAsync(request, http.User.Caller(), ct);
        if (invalid is not null) return invalid;
        if (problem is not null) return problem;
        try
        {
            var decision = await policy.DecideAsync(contact!, ct);
            return TypedResults.Ok(DecisionResponse.From(decision, contact!.Profile));
        }
        catch (ContactRequestException ex)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["at"] = [ex.Message] }, title: "The decision cannot be made.");
        }
    }

    static Task<Results<Ok<SettlementResponse>, ProblemHttpResult>> ConfirmAsync(string reservationId, ContactPolicyService policy, CancellationToken ct) =>
        SettleAsync(reservationId, confirm: true, policy, ct);

    static Task<Results<Ok<SettlementResponse>, ProblemHttpResult>> CancelAsync(string reservationId, ContactPolicyService policy, CancellationToken ct) =>
        SettleAsync(reservationId, confirm: false, policy, ct);

    static async Task<Results<Ok<SettlementResponse>, ProblemHttpResult>> SettleAsync(string text, bool confirm, ContactPolicyService policy, CancellationToken ct)
    {
        if (!ReservationId.TryParse(text, out var id))
            return TypedResults.Problem(statusCode: 404, title: "No such reservation.", detail: $"'{text}' is not a reservation id such as \"r12-3\"; use the reservationId of an allow decision.");
        var result = confirm ? await policy.Decider.ConfirmAsync(id, ct) : await policy.Decider.CancelAsync(id, ct);
        return result switch
        {
            ReservationResult.NotFound => TypedResults.Problem(statusCode: 404, title: "No such reservation.",
                detail: $"Reservation {id} is unknown: never given, cancelled, or forgotten."),
            ReservationResult.Expired => TypedResults.Problem(statusCode: 410, title: "The reservation expired.",
                detail: $"Reservation {id} was not confirmed in time and no longer counts; ask for a new decision before sending."),
            ReservationResult.AlreadySent when !confirm => TypedResults.Problem(statusCode: 409, title: "The message was sent already.",
                detail: $"Reservation {id} was confirmed (or reported sent); a sent message cannot be cancelled."),
            _ => TypedResults.Ok(new SettlementResponse(id.ToString(), CampaignRules.Wire(result))),
        };
    }

    static async Task<Results<Ok<ContactsResponse>, ValidationProblem, ProblemHttpResult>> ContactsAsync(
        string id, string? from, string? to, int? limit, IStore store, ContactPolicyService policy, TimeProvider time, CancellationToken ct)
    {
        if (!ProfileEndpoints.TryParse(id, out var profileId) || await store.Profiles.GetAsync(profileId, ct) is not { } profile)
            return TypedResults.Problem(statusCode: 404, title: "Not found.", detail: $"There is no profile '{id}'.");
        var now = time.GetUtcNow();
        var errors = new Dictionary<string, string[]>();
        var start = Time(from, "from", now - CompiledContactPolicy.Retention, errors);
        var end = Time(to, "to", now + TimeSpan.FromDays(2), errors);
        if (errors.Count == 0 && end <= start) errors["to"] = ["'to' must be after 'from'."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The window is not valid.");
        var history = await policy.ContactsAsync(profile.Id, start, end, Math.Clamp(limit ?? 200, 1, 1000), ct);
        return TypedResults.Ok(ContactsResponse.Of(profile.Id, start, end, history));
    }

    static DateTimeOffset Time(string? text, string name, DateTimeOffset fallback, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        if (CampaignRules.TryParseTime(text, out var time)) return time;
        errors[name] = [$"'{text}' is not a time; use ISO-8601, e.g. 2026-05-04T09:00:00Z."];
        return fallback;
    }
}

/// <summary>A change of the policy: the policy (as in docs/contact-policy.md), why, and the version it was made from.</summary>
public sealed record PolicyChangeRequest(JsonElement? Policy, string? Note, int? BasedOn);

/// <param name="Policy">The policy in its JSON form (ContactPolicyJson).</param>
public sealed record PolicyVersionResponse(int Number, string ChangedBy, DateTimeOffset At, string? Note, JsonElement Policy)
{
    public static PolicyVersionResponse From(PolicyVersion v)
    {
        using var json = JsonDocument.Parse(ContactPolicyJson.Serialize(v.Policy));
        return new(v.Number, v.ChangedBy, v.At, v.Note, json.RootElement.Clone());
    }
}

public sealed record PolicyVersionSummary(int Number, string ChangedBy, DateTimeOffset At, string? Note)
{
    public static PolicyVersionSummary From(PolicyVersion v) => new(v.Number, v.ChangedBy, v.At, v.Note);
}

public sealed record ValidationResponse(bool Valid, ProblemResponse[] Problems);

public sealed record ProblemResponse(string Path, string Message);

/// <summary>A real-time question. Exactly one of <paramref name="Identifier"/> and <paramref name="ProfileId"/>.</summary>
/// <param name="Identifier">TYPE:VALUE as the identity graph knows it: email:ann@example.com, phone:+32470123456, userId:u-42, anonymousId:...</param>
/// <param name="Campaign">The campaign's id, or its exact name.</param>
/// <param name="Channel">Optional; when given it must be the campaign's channel.</param>
/// <param name="At">ISO-8601 time the message would go, within a day of now; now when left out.</param>
/// <param name="SuppressionLists">Names of suppression lists the customer is on, as the sending tool knows them on top of the stored lists the policy defines.</param>
public sealed record DecisionRequest(string? Identifier, string? ProfileId, string? Campaign, string? Channel, string? At, string[]? SuppressionLists);

/// <param name="Decision">"allow" or "deny".</param>
public sealed record DecisionResponse(string Decision, ReasonResponse[] Reasons, string? ReservationId, DateTimeOffset? ExpiresAt, int PolicyVersion, string ProfileId)
{
    public static DecisionResponse From(ContactDecision d, ProfileId profile) => new(
        d.Outcome, [.. d.Reasons.Select(ReasonResponse.From)], d.Reservation?.ToString(), d.ExpiresAt, d.PolicyVersion, profile.ToString());
}

/// <summary>Why a message is held back: a code, the rule, the sentence to read, what used the rule up, when it could go.</summary>
public sealed record ReasonResponse(string Code, string Text, string Rule, UsedByResponse[] UsedBy, DateTimeOffset? NotBefore)
{
    public static ReasonResponse From(HoldReason r) => new(
        ContactPolicyJson.Name(r.Code), r.Text, r.Rule,
        [.. r.UsedBy.Select(u => new UsedByResponse(u.Campaign.Id, u.Campaign.Name, u.Campaign.Team, u.At, CampaignRules.Wire(u.State), u.OtherMember))],
        r.NotBefore);
}

public sealed record UsedByResponse(string CampaignId, string CampaignName, string Team, DateTimeOffset At, string State, bool OtherMember);

/// <param name="Result">confirmed, alreadySent or cancelled.</param>
public sealed record SettlementResponse(string ReservationId, string Result);

public sealed record ContactsResponse(string ProfileId, DateTimeOffset From, DateTimeOffset To, ContactResponse[] Received, HeldBackResponse[] HeldBack)
{
    public static ContactsResponse Of(ProfileId profile, DateTimeOffset from, DateTimeOffset to, ContactHistory history) => new(
        profile.ToString(), from, to,
        [.. history.Entries.Select(e => new ContactResponse(e.Entry.ToString(), e.Message.Campaign.Id, e.Message.Campaign.Name, e.Message.Campaign.Team,
            ContactPolicyJson.Name(e.Message.Campaign.Channel), ContactPolicyJson.Name(e.Message.Campaign.Category), e.Message.At,
            CampaignRules.Wire(e.State), e.State == EntryState.Reserved ? e.Message.ExpiresAt : null))],
        [.. history.HeldBack.Select(h => new HeldBackResponse(h.Campaign.Id, h.Campaign.Name, h.Campaign.Team, ContactPolicyJson.Name(h.Campaign.Channel),
            h.At, h.DecidedAt, h.PolicyVersion, [.. h.Reasons.Select(r => new HeldBackReasonResponse(r.Code, r.Text))]))]);
}

/// <param name="State">sent or reserved.</param>
public sealed record ContactResponse(string ReservationId, string CampaignId, string CampaignName, string Team, string Channel, string Category,
    DateTimeOffset At, string State, DateTimeOffset? ExpiresAt);

public sealed record HeldBackResponse(string CampaignId, string CampaignName, string Team, string Channel, DateTimeOffset At, DateTimeOffset DecidedAt,
    int PolicyVersion, HeldBackReasonResponse[] Reasons);

public sealed record HeldBackReasonResponse(string Code, string Text);
