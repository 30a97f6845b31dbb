using System.Text.Json;
using CommonGround.Events;
using CommonGround.Storage;
using CommonGround.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CommonGround.Web.Endpoints;

/// <summary>Reading back what arrived: one event by messageId, and the refused requests with their reasons.</summary>
public static class EventEndpoints
{
    public static RouteGroupBuilder MapEventEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api").WithTags("Events").RequireAuthorization();
        group.MapGet("/events/{messageId}", GetAsync).WithName("GetEvent")
            .WithSummary("A stored event. messageIds are unique per source: add ?source=ID when two sources used the same one.");
        group.MapGet("/rejects", ListRejectsAsync).WithName("ListRejects")
            .WithSummary("Refused tracking requests, newest first, with the reason and what was sent.");
        return group;
    }

    static async Task<Results<Ok<EventResponse>, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> GetAsync(
        string messageId, string? source, HttpContext http, IStore store, CancellationToken ct)
    {
        var caller = http.User.Caller();
        var teams = (await store.Sources.ListAsync(ct)).ToDictionary(s => s.Id, s => s.Team);
        var visible = (await store.Events.FindByMessageIdAsync(messageId, ct))
            .Where(e => (source is null || e.SourceId == source) && teams.TryGetValue(e.SourceId, out var team) && caller.CanSee(team))
            .ToList();
        return visible.Count switch
        {
            0 => TypedResults.NotFound(new ProblemDetails
            {
                Status = 404, Title = "No such event.", Detail = $"No event with messageId '{messageId}' that this key may see.",
            }),
            1 => TypedResults.Ok(EventResponse.From(visible[0])),
            _ => TypedResults.Conflict(new ProblemDetails
            {
                Status = 409, Title = "Several sources used that messageId.",
                Detail = $"Sources {string.Join(", ", visible.Select(e => e.SourceId))} each have an event '{messageId}'. Add ?source=ID.",
            }),
        };
    }

    static async Task<Ok<RejectResponse[]>> ListRejectsAsync(string? source, int? limit, HttpContext http, IStore store, CancellationToken ct)
    {
        var caller = http.User.Caller();
        var teams = (await store.Sources.ListAsync(ct)).ToDictionary(s => s.Id, s => s.Team);
        var rejects = await store.Events.ListRejectsAsync(source, Math.Clamp(limit ?? 50, 1, 1_000), ct);
        return TypedResults.Ok(rejects
            .Where(r => caller.IsAdmin || (r.SourceId is { } id && teams.TryGetValue(id, out var team) && caller.CanSee(team)))
            .Select(r => new RejectResponse(r.Id, r.SourceId, r.ReceivedAt, r.Channel, r.Reason, r.Body))
            .ToArray());
    }
}

/// <summary>An event in the Segment spec's shape, with the source it came from.</summary>
public sealed record EventResponse(
    string SourceId,
    string MessageId,
    EventType Type,
    string? Event,
    string? Name,
    string? Category,
    string? UserId,
    string? AnonymousId,
    string? GroupId,
    string? PreviousId,
    DateTimeOffset Timestamp,
    DateTimeOffset? OriginalTimestamp,
    DateTimeOffset? SentAt,
    DateTimeOffset ReceivedAt,
    JsonElement? Context,
    JsonElement? Properties,
    JsonElement? Traits,
    JsonElement? Integrations)
{
    public static EventResponse From(TrackedEvent e) => new(
        e.SourceId, e.MessageId, e.Type,
        e.Type == EventType.Track ? e.Name : null,
        e.Type is EventType.Page or EventType.Screen ? e.Name : null,
        e.Category, e.UserId, e.AnonymousId, e.GroupId, e.PreviousId,
        e.Timestamp, e.OriginalTimestamp, e.SentAt, e.ReceivedAt,
        Json(e.Context), Json(e.Properties), Json(e.Traits), Json(e.Integrations));

    static JsonElement? Json(string? text)
    {
        if (text is null) return null;
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}

public sealed record RejectResponse(string Id, string? SourceId, DateTimeOffset ReceivedAt, string Channel, string Reason, string? Body);
