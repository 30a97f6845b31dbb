using System.Globalization;
using CommonGround.Access;
using CommonGround.Campaigns;
using CommonGround.Identity;
using CommonGround.Storage;
using CommonGround.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CommonGround.Web.Endpoints;

/// <summary>
/// One campaign calendar for every team: each team creates and edits its own campaigns, everyone reads
/// all of them, their calendar and how they overlap. Days are UTC days.
/// </summary>
public static class CampaignEndpoints
{
    public static RouteGroupBuilder MapCampaignEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/campaigns").WithTags("Campaigns").RequireAuthorization();
        group.MapGet("/", ListAsync).WithName("ListCampaigns")
            .WithSummary("Every team's campaigns, optionally of one team or status, or running in a window (?from&to).");
        group.MapPost("/", CreateAsync).WithName("CreateCampaign")
            .WithSummary("Registers a campaign (a draft unless a status is given). Team keys create for their own team only.");
        group.MapGet("/calendar", CalendarAsync).WithName("GetCampaignCalendar")
            .WithSummary("The shared calendar: each UTC day of the window with the campaigns that run on it and their send times.");
        group.MapGet("/overlap", OverlapAsync).WithName("GetCampaignOverlap")
            .WithSummary("Shared customers and households between the campaigns active in the window, as counts and shares, " +
                "and the customers contacted by k or more campaigns on one day. Held-out and control-group people are not contacted and count nowhere.");
        group.MapGet("/{id}", GetAsync).WithName("GetCampaign");
        group.MapPut("/{id}", UpdateAsync).WithName("UpdateCampaign")
            .WithSummary("Replaces the campaign's fields (status moves: draft → scheduled/live, scheduled → draft/live/done, live → done). Its own team or an admin.");
        group.MapPost("/{id}/refresh-targets", RefreshTargetsAsync).WithName("RefreshCampaignTargets")
            .WithSummary("Snapshots the campaign's audience (as of ?asOf=, default now) and makes its members the campaign's targets, " +
                "with the campaign's holdout and the global control group marked. Its own team or an admin.");
        group.MapDelete("/{id}", DeleteAsync).WithName("DeleteCampaign").WithSummary("Deletes the campaign and its target list. Its own team or an admin.");

        var settings = app.MapGroup("/api/settings").WithTags("Campaigns").RequireAuthorization();
        settings.MapGet("/global-control", GetGlobalControlAsync).WithName("GetGlobalControl")
            .WithSummary("The workspace's global control group: whether it is on and its share.");
        settings.MapPut("/global-control", SetGlobalControlAsync).WithName("SetGlobalControl").RequireAuthorization(ApiKeyAuthentication.AdminPolicy)
            .WithSummary("Switches the global control group on or off and sets its share. Admins only.");
        return group;
    }

    const int MaxPressureLimit = 1000;

    static async Task<Results<Ok<CampaignResponse[]>, ValidationProblem>> ListAsync(
        string? team, string? status, string? from, string? to, IStore store, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var statusFilter = ParseStatus(status, errors);
        (DateTimeOffset From, DateTimeOffset To)? window = from is null && to is null ? null : Window(from, to, errors);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The filters are not valid.");
        var campaigns = await store.Campaigns.ListAsync(new CampaignQuery(window?.From, window?.To, Blank(team), statusFilter), ct);
        return TypedResults.Ok(campaigns.Select(CampaignResponse.From).ToArray());
    }

    static async Task<Results<Ok<CampaignResponse>, ProblemHttpResult>> GetAsync(string id, IStore store, CancellationToken ct) =>
        await store.Campaigns.FindAsync(id, ct) is { } campaign ? TypedResults.Ok(CampaignResponse.From(campaign)) : NotFound(id);

    static async Task<Results<Created<CampaignResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CampaignRequest request, HttpContext http, IStore store, TimeProvider time, CancellationToken ct)
    {
        var caller = http.User.Caller();
        var fields = request.ToFields() with { Team = Blank(request.Team) ?? caller.Team };
        if (fields.Team is { } team && !caller.CanSee(team)) return OtherTeam(caller, team);
        var (campaign, errors) = CampaignRules.Create(fields, "c_" + Secrets.NewId(), caller.KeyId, time.GetUtcNow());
        if (campaign is null) return Invalid(errors);
        await store.Campaigns.AddAsync(campaign, ct);
        return TypedResults.Created($"/api/campaigns/{campaign.Id}", CampaignResponse.From(campaign));
    }

    static async Task<Results<Ok<CampaignResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string id, CampaignRequest request, HttpContext http, IStore store, TimeProvider time, CancellationToken ct)
    {
        if (await store.Campaigns.FindAsync(id, ct) is not { } current) return NotFound(id);
        var caller = http.User.Caller();
        if (!caller.CanSee(current.Team)) return OtherTeam(caller, current.Team);
        var fields = request.ToFields() with { Team = Blank(request.Team) ?? current.Team };
        if (!caller.CanSee(fields.Team!)) return OtherTeam(caller, fields.Team!);
        var (campaign, errors) = CampaignRules.Update(current, fields, caller.KeyId, time.GetUtcNow());
        if (campaign is null) return Invalid(errors);
        return await store.Campaigns.UpdateAsync(campaign, ct) ? TypedResults.Ok(CampaignResponse.From(campaign)) : NotFound(id);
    }

    static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, HttpContext http, IStore store, CancellationToken ct)
    {
        if (await store.Campaigns.FindAsync(id, ct) is not { } current) return NotFound(id);
        var caller = http.User.Caller();
        if (!caller.CanSee(current.Team)) return OtherTeam(caller, current.Team);
        return await store.Campaigns.DeleteAsync(id, ct) ? TypedResults.NoContent() : NotFound(id);
    }

    static async Task<Results<Ok<CampaignTargetsRefresh>, ValidationProblem, ProblemHttpResult>> RefreshTargetsAsync(
        string id, string? asOf, HttpContext http, IStore store, TimeProvider time, CancellationToken ct)
    {
        var at = time.GetUtcNow();
        if (asOf is not null && !CampaignRules.TryParseTime(asOf, out at))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["asOf"] = [$"'{asOf}' is not a time; use ISO-8601, e.g. 2026-05-04T09:00:00Z, or leave it out for now."],
            });
        }
        if (await store.Campaigns.FindAsync(id, ct) is not { } campaign) return NotFound(id);
        var caller = http.User.Caller();
        if (!caller.CanSee(campaign.Team)) return OtherTeam(caller, campaign.Team);
        try
        {
            return TypedResults.Ok(await store.Campaigns.RefreshTargetsAsync(id, at, ct));
        }
        catch (KeyNotFoundException)
        {
            return NotFound(id);
        }
        catch (Audiences.Sql.AudienceCompileException ex)
        {
            return TypedResults.Problem(statusCode: 409, title: "The campaign's audience cannot be evaluated.", detail: ex.Message);
        }
    }

    static async Task<Results<Ok<CalendarResponse>, ValidationProblem>> CalendarAsync(
        string? from, string? to, string? team, string? status, IStore store, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var statusFilter = ParseStatus(status, errors);
        var (start, end) = Window(from, to, errors);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The calendar window is not valid.");
        var campaigns = await store.Campaigns.ListAsync(new CampaignQuery(start, end, Blank(team), statusFilter), ct);
        var days = CampaignCalendar.Days(campaigns, start, end);
        return TypedResults.Ok(new CalendarResponse(start, end, [.. days.Select(d => new CalendarDayResponse(
            d.Day, d.Entries.Count(e => e.Campaign.IsActive), [.. d.Entries.Select(CalendarEntryResponse.From)]))]));
    }

    static async Task<Results<Ok<OverlapResponse>, ValidationProblem>> OverlapAsync(
        string? from, string? to, int? k, string? day, int? limit, IStore store, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var (start, end) = Window(from, to, errors);
        var atLeast = k ?? 3;
        if (atLeast is < 1 or > 1000) errors["k"] = ["k counts campaigns: from 1 to 1000 (3 by default)."];
        var size = limit ?? 100;
        if (size is < 1 or > MaxPressureLimit) errors["limit"] = [$"limit is from 1 to {MaxPressureLimit} customers (100 by default)."];
        DateOnly? pressureDay = null;
        if (day is not null)
        {
            if (!DateOnly.TryParseExact(day.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
                errors["day"] = [$"'{day}' is not a day; use YYYY-MM-DD, e.g. 2026-05-04."];
            else if (!errors.ContainsKey("from") && !errors.ContainsKey("to") && (Schedule.DayStart(d.AddDays(1)) <= start || Schedule.DayStart(d) >= end))
                errors["day"] = [$"{day} is outside the window; give a day from {from} to {to}."];
            else pressureDay = d;
        }
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The overlap request is not valid.");

        var overlap = await store.Campaigns.OverlapAsync(start, end, ct);
        pressureDay ??= CampaignCalendar.BusiestDay(overlap.Campaigns.Select(c => c.Campaign), start, end)
            ?? DateOnly.FromDateTime(start.UtcDateTime);
        var pressure = await store.Campaigns.ContactedByAtLeastAsync(pressureDay.Value, atLeast, size, ct);
        return TypedResults.Ok(OverlapResponse.Of(overlap, pressure));
    }

    static async Task<Ok<GlobalControlResponse>> GetGlobalControlAsync(IStore store, CancellationToken ct) =>
        TypedResults.Ok(GlobalControlResponse.From(await store.Campaigns.GetGlobalControlAsync(ct)));

    static async Task<Results<Ok<GlobalControlResponse>, ValidationProblem>> SetGlobalControlAsync(
        GlobalControlRequest request, HttpContext http, IStore store, TimeProvider time, CancellationToken ct)
    {
        var errors = GlobalControlGroup.Validate(request.Enabled, request.Share);
        if (errors.Count > 0) return Invalid(errors);
        var current = await store.Campaigns.GetGlobalControlAsync(ct);
        // The salt is drawn once: changing it would reshuffle who is in the group.
        var group = new GlobalControlGroup(request.Enabled!.Value, request.Share ?? current.Share,
            current.Salt.Length > 0 ? current.Salt : Secrets.NewId(), http.User.Caller().KeyId, time.GetUtcNow());
        await store.Campaigns.SetGlobalControlAsync(group, ct);
        return TypedResults.Ok(GlobalControlResponse.From(group));
    }

    /// <summary>
    /// The window of a calendar or overlap request: ISO-8601 times, or days (YYYY-MM-DD, UTC) where
    /// <c>to</c> is included whole. At most <see cref="CampaignCalendar.MaxWindow"/>.
    /// </summary>
    static (DateTimeOffset From, DateTimeOffset To) Window(string? from, string? to, Dictionary<string, string[]> errors)
    {
        var start = Bound(from, "from", wholeDay: false, errors);
        var end = Bound(to, "to", wholeDay: true, errors);
        if (start is not { } s || end is not { } e) return default;
        if (e <= s) errors["to"] = [$"'to' ({to}) must be after 'from' ({from})."];
        else if (e - s > CampaignCalendar.MaxWindow) errors["to"] = ["The window is at most a year (366 days); ask for a shorter one."];
        return (s, e);
    }

    static DateTimeOffset? Bound(string? text, string name, bool wholeDay, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            errors[name] = [$"Give ?{name}= as a day (2026-05-04) or an ISO-8601 time."];
            return null;
        }
        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return Schedule.DayStart(wholeDay ? day.AddDays(1) : day);
        if (CampaignRules.TryParseTime(text, out var time)) return time;
        errors[name] = [$"'{text}' is not a day or a time; use 2026-05-04 or 2026-05-04T09:00:00Z."];
        return null;
    }

    static CampaignStatus? ParseStatus(string? status, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(status)) return null;
        if (CampaignRules.TryParse<CampaignStatus>(status, out var parsed)) return parsed;
        errors["status"] = [$"'{status}' is not a status; use draft, scheduled, live or done."];
        return null;
    }

    static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    static ValidationProblem Invalid(IReadOnlyList<FieldError> errors) => TypedResults.ValidationProblem(
        errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
        title: "The campaign is not valid.");

    static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(statusCode: 404, title: "No such campaign.", detail: $"There is no campaign '{id}'.");

    static ProblemHttpResult OtherTeam(Caller caller, string team) => TypedResults.Problem(statusCode: 403,
        title: "Only the campaign's own team may change it.",
        detail: $"This key belongs to team '{caller.Team}'; the campaign is team '{team}''s. Everyone may read every campaign.");
}

/// <summary>A campaign as a client sends it; every field is checked, and errors name the field.</summary>
/// <param name="Team">Defaults to the key's team; an admin must give it.</param>
/// <param name="Channel">email, sms, push, directMail, telemarketing, paidSocial, onSiteAd, offSiteAd or webPersonalisation.</param>
/// <param name="Category">marketing, transactional or advertising (for third-party brands).</param>
/// <param name="Priority">1 to 100, higher is more important; 50 by default.</param>
/// <param name="ExpectedValue">Value per message in the workspace's currency; 0 by default.</param>
/// <param name="HoldoutShare">0 (default) to below 1; 0 for transactional campaigns.</param>
/// <param name="Status">draft (default), scheduled, live or done.</param>
public sealed record CampaignRequest(
    string? Name, string? Team, string? Channel, string? Category, string? AudienceId, ScheduleFields? Schedule,
    int? Priority, decimal? ExpectedValue, double? HoldoutShare, string? Storyboard, string? Status)
{
    public CampaignFields ToFields() =>
        new(Name, Team, Channel, Category, AudienceId, Schedule, Priority, ExpectedValue, HoldoutShare, Storyboard, Status);
}

/// <param name="NextStatuses">The statuses the campaign may move to next.</param>
public sealed record CampaignResponse(
    string Id, string Name, string Team, Channel Channel, CampaignCategory Category, string? AudienceId, ScheduleFields Schedule,
    int Priority, decimal ExpectedValue, double HoldoutShare, string? Storyboard, CampaignStatus Status, CampaignStatus[] NextStatuses,
    string CreatedBy, DateTimeOffset CreatedAt, string UpdatedBy, DateTimeOffset UpdatedAt)
{
    public static CampaignResponse From(Campaign c) => new(
        c.Id, c.Name, c.Team, c.Channel, c.Category, c.AudienceId, ScheduleFields.From(c.Schedule), c.Priority, c.ExpectedValue,
        c.HoldoutShare, c.Storyboard, c.Status, [.. CampaignRules.Next(c.Status)], c.CreatedBy, c.CreatedAt, c.UpdatedBy, c.UpdatedAt);
}

/// <summary>A campaign on one day of the calendar: what a calendar cell shows.</summary>
/// <param name="Times">Send times that day (UTC); empty for an always-on campaign, which runs all day.</param>
public sealed record CalendarEntryResponse(
    string Id, string Name, string Team, Channel Channel, CampaignCategory Category, CampaignStatus Status, int Priority,
    ScheduleKind Kind, DateTimeOffset[] Times)
{
    public static CalendarEntryResponse From(CalendarEntry e) => new(
        e.Campaign.Id, e.Campaign.Name, e.Campaign.Team, e.Campaign.Channel, e.Campaign.Category, e.Campaign.Status,
        e.Campaign.Priority, e.Campaign.Schedule.Kind, [.. e.Times]);
}

/// <param name="Active">How many of the day's campaigns are scheduled or live.</param>
/// <param name="Campaigns">Highest priority first.</param>
public sealed record CalendarDayResponse(DateOnly Date, int Active, CalendarEntryResponse[] Campaigns);

/// <param name="Days">Only days on which something runs, in order.</param>
public sealed record CalendarResponse(DateTimeOffset From, DateTimeOffset To, CalendarDayResponse[] Days);

/// <summary>An active campaign in the overlap, with the customers and households it contacts.</summary>
public sealed record OverlapCampaignResponse(string Id, string Name, string Team, Channel Channel, CampaignCategory Category,
    CampaignStatus Status, int Priority, long Customers, long Households);

/// <summary>
/// A square matrix over <see cref="OverlapResponse.Campaigns"/> (same order). <c>Shared[i][j]</c>: people
/// (or households) contacted by both i and j; the diagonal is each campaign's own reach.
/// <c>Shares[i][j]</c> = Shared[i][j] / Shared[i][i]: the share of i's reach that j reaches too (0 when i reaches nobody).
/// </summary>
public sealed record OverlapMatrix(long[][] Shared, double[][] Shares);

/// <param name="Customers">Profile id ("p42"), household, and the campaigns (with their teams) contacting them that day.</param>
public sealed record PressureResponse(DateOnly Day, int K, long Total, PressuredCustomerResponse[] Customers);

public sealed record PressuredCustomerResponse(ProfileId ProfileId, string? HouseholdId, CampaignRef[] Campaigns);

public sealed record OverlapResponse(
    DateTimeOffset From, DateTimeOffset To, OverlapCampaignResponse[] Campaigns, OverlapMatrix Customers, OverlapMatrix Households,
    PressureResponse Pressure)
{
    public static OverlapResponse Of(CampaignOverlap overlap, ContactPressure pressure)
    {
        var campaigns = overlap.Campaigns;
        var n = campaigns.Count;
        var customers = new long[n][];
        var households = new long[n][];
        for (var i = 0; i < n; i++)
        {
            customers[i] = new long[n];
            households[i] = new long[n];
            for (var j = 0; j < n; j++) (customers[i][j], households[i][j]) = overlap.Shared(campaigns[i].Campaign.Id, campaigns[j].Campaign.Id);
        }
        return new OverlapResponse(overlap.From, overlap.To,
            [.. campaigns.Select(r => new OverlapCampaignResponse(r.Campaign.Id, r.Campaign.Name, r.Campaign.Team, r.Campaign.Channel,
                r.Campaign.Category, r.Campaign.Status, r.Campaign.Priority, r.Customers, r.Households))],
            Matrix(customers), Matrix(households),
            new PressureResponse(pressure.Day, pressure.K, pressure.Total,
                [.. pressure.Customers.Select(c => new PressuredCustomerResponse(c.Profile, c.HouseholdId, [.. c.Campaigns]))]));
    }

    static OverlapMatrix Matrix(long[][] shared) => new(shared,
        [.. shared.Select((row, i) => row.Select(v => row[i] == 0 ? 0 : Math.Round((double)v / row[i], 4)).ToArray())]);
}

/// <param name="Share">Above 0 and at most 0.5; kept as it is when not given.</param>
public sealed record GlobalControlRequest(bool? Enabled, double? Share);

/// <summary>The global control group as the API shows it (the salt stays inside).</summary>
public sealed record GlobalControlResponse(bool Enabled, double Share, string? UpdatedBy, DateTimeOffset? UpdatedAt)
{
    public static GlobalControlResponse From(GlobalControlGroup g) => new(g.Enabled, g.Share, g.UpdatedBy, g.UpdatedAt);
}
