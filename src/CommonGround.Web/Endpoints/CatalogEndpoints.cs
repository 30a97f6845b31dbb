using CommonGround.Catalog;
using CommonGround.Storage;
using CommonGround.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CommonGround.Web.Endpoints;

/// <summary>The data catalog: what data exists, who owns it, and what is personal.</summary>
public static class CatalogEndpoints
{
    public static RouteGroupBuilder MapCatalogEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/catalog").WithTags("Catalog").RequireAuthorization();
        group.MapGet("/", ListAsync).WithName("ListCatalog")
            .WithSummary("Every known field of every dataset, optionally of one data type (behavioural, transactional, profile, consent).");
        group.MapPut("/fields", UpdateAsync).WithName("UpdateCatalogField")
            .WithSummary("Sets a field's owner, personal flag or description. Admins, or the owning team.");
        return group;
    }

    static async Task<Results<Ok<CatalogFieldResponse[]>, ValidationProblem>> ListAsync(string? dataType, IStore store, CancellationToken ct)
    {
        DataType? type = null;
        if (dataType is not null)
        {
            if (!DataTypes.TryParse(dataType, out var parsed)) return UnknownDataType(dataType);
            type = parsed;
        }
        return TypedResults.Ok((await store.Catalog.ListAsync(type, ct)).Select(CatalogFieldResponse.From).ToArray());
    }

    static async Task<Results<Ok<CatalogFieldResponse>, NotFound<ProblemDetails>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        UpdateCatalogFieldRequest request, HttpContext http, IStore store, CancellationToken ct)
    {
        if (!DataTypes.TryParse(request.DataType, out var type)) return UnknownDataType(request.DataType);
        if (string.IsNullOrWhiteSpace(request.Dataset) || string.IsNullOrWhiteSpace(request.Field))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["field"] = ["Name the dataset and the field, e.g. dataset \"Order Completed\", field \"properties.revenue\"."],
            });
        var key = new CatalogFieldKey(type, request.Dataset, request.Field);
        if (await store.Catalog.FindAsync(key, ct) is not { } current) return NotFound(key);
        var caller = http.User.Caller();
        if (!caller.CanSee(current.OwnerTeam))
        {
            return TypedResults.Problem(statusCode: 403, title: "Only the owner may change this field.",
                detail: $"'{key.Field}' is owned by '{current.OwnerTeam}'; ask that team or an admin.");
        }
        var updated = await store.Catalog.UpdateAsync(key,
            new CatalogFieldEdit(request.OwnerTeam?.Trim(), request.Personal, request.Description, request.SharedWith), ct);
        return updated is null ? NotFound(key) : TypedResults.Ok(CatalogFieldResponse.From(updated));
    }

    static ValidationProblem UnknownDataType(string? value) => TypedResults.ValidationProblem(new Dictionary<string, string[]>
    {
        ["dataType"] = [$"'{value}' is not a data type; use behavioural, transactional, profile or consent."],
    });

    static NotFound<ProblemDetails> NotFound(CatalogFieldKey key) => TypedResults.NotFound(new ProblemDetails
    {
        Status = 404, Title = "No such catalog field.",
        Detail = $"The catalog has no field '{key.Field}' in {key.DataType.ToWire()} dataset '{key.Dataset}'.",
    });
}

/// <param name="SharedWith">Teams besides the owner that may read the field when it is personal ("*" for all); replaces the list.</param>
public sealed record UpdateCatalogFieldRequest(string? DataType, string? Dataset, string? Field, string? OwnerTeam, bool? Personal, string? Description,
    string[]? SharedWith = null);

public sealed record CatalogFieldResponse(
    string DataType, string Dataset, string Field, string ValueType, string OwnerTeam, bool Personal, bool Declared,
    string? Description, DateTimeOffset FirstSeen, DateTimeOffset LastSeen, long SeenCount, IReadOnlyList<string> SharedWith)
{
    public static CatalogFieldResponse From(CatalogField f) => new(
        f.Key.DataType.ToWire(), f.Key.Dataset, f.Key.Field, f.ValueType, f.OwnerTeam, f.Personal, f.Declared,
        f.Description, f.FirstSeen, f.LastSeen, f.SeenCount, f.SharedWith);
}
