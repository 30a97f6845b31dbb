using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using CommonGround.Access;
using CommonGround.Catalog;
using CommonGround.Events;
using CommonGround.Sources;
using CommonGround.Storage;
using CommonGround.Web.Security;

namespace CommonGround.Web.Endpoints;

/// <summary>
/// The Segment HTTP tracking API, so Segment's and RudderStack's SDKs can send here by changing their
/// host. Authenticated by the source's write key (HTTP Basic user name, or "writeKey" in the body).
/// A 200 is sent only after the events are committed.
/// </summary>
public static class TrackingEndpoints
{
    public const string CorsPolicy = "tracking";

    public static RouteGroupBuilder MapTrackingEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1").WithTags("Tracking").AllowAnonymous().RequireCors(CorsPolicy);
        group.MapPost("/batch", (HttpContext http, TrackingHandler t, CancellationToken ct) => t.AcceptAsync(http, null, ct))
            .WithName("TrackBatch").WithSummary("Many calls of any type in one request (Segment's /v1/batch).");
        foreach (var type in Enum.GetValues<EventType>())
        {
            group.MapPost("/" + type.ToWire(), (HttpContext http, TrackingHandler t, CancellationToken ct) => t.AcceptAsync(http, type, ct))
                .WithName("Track" + type).WithSummary($"One {type.ToWire()} call (Segment's /v1/{type.ToWire()}).");
        }
        return group;
    }

    /// <summary>What one tracking request needs, resolved from the container.</summary>
    public sealed class TrackingHandler(SourceDirectory sources, SegmentPayloadReader reader, EventIngestion ingestion, IStore store,
        IngestionOptions limits, TimeProvider time)
    {
        public async Task<IResult> AcceptAsync(HttpContext http, EventType? type, CancellationToken ct)
        {
            var receivedAt = time.GetUtcNow();
            var body = await ReadBodyAsync(http.Request, limits.MaxRequestBytes, ct);
            if (body is not { } bytes)
            {
                return Problem(400, "The request is too large.",
                    $"The body is larger than {limits.MaxRequestBytes:N0} bytes (after decompression). Send fewer events per batch.");
            }
            var writeKey = WriteKeyFromHeader(http.Request) ?? SegmentPayloadReader.FindWriteKey(bytes.Span);
            if (string.IsNullOrEmpty(writeKey))
            {
                return Problem(401, "A write key is needed.",
                    "Send the source's write key as the HTTP Basic user name (empty password), or as \"writeKey\" in the body.");
            }
            if (await sources.FindByWriteKeyAsync(writeKey, ct) is not { } source)
            {
                return Problem(401, "The write key is unknown.", "Check the key, or create a source with `commonground sources add`.");
            }
            if (!source.Enabled)
            {
                return Problem(403, "The source is disabled.", $"Source '{source.Name}' is disabled; an admin can enable it again.");
            }

            IReadOnlyList<TrackedEvent> events;
            var catalog = new CatalogCollector(source.Team, receivedAt);
            try
            {
                events = reader.Read(bytes, type, source.Id, receivedAt, catalog);
            }
            catch (InvalidPayloadException ex)
            {
                await KeepRejectAsync(source, http.Request.Path, ex, bytes, receivedAt);
                throw;
            }
            await ingestion.IngestAsync(events, catalog.Observations, ct);
            return TypedResults.Ok(new TrackingResponse(true));
        }

        async Task KeepRejectAsync(Source source, string path, InvalidPayloadException ex, ReadOnlyMemory<byte> body, DateTimeOffset at)
        {
            var text = Encoding.UTF8.GetString(body.Span);
            await store.Events.AddRejectAsync(new RejectedPayload
            {
                Id = Secrets.NewId(),
                SourceId = source.Id,
                ReceivedAt = at,
                Channel = path,
                Reason = ex.Message,
                Body = text.Length > RejectedPayload.MaxBodyChars ? text[..RejectedPayload.MaxBodyChars] : text,
            }, CancellationToken.None);
        }
    }

    static IResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail);

    static string? WriteKeyFromHeader(HttpRequest request)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header) ||
            !"Basic".Equals(header.Scheme, StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
            return null;
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
            var colon = decoded.IndexOf(':');
            return colon >= 0 ? decoded[..colon] : decoded;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// The raw body whatever its content type (RudderStack sends none, beacons send text/plain),
    /// decompressed when gzip, deflate or br. Null when it is over the limit: reading stops there, so
    /// a compression bomb costs at most the limit. Read in one copy: straight into an array of the
    /// announced length, or into a growing buffer that is handed on as it is.
    /// </summary>
    static async Task<ReadOnlyMemory<byte>?> ReadBodyAsync(HttpRequest request, int limit, CancellationToken ct)
    {
        var encoding = request.Headers.ContentEncoding.ToString();
        Stream? decompress =
            encoding.Contains("gzip", StringComparison.OrdinalIgnoreCase) ? new GZipStream(request.Body, CompressionMode.Decompress)
            : encoding.Contains("deflate", StringComparison.OrdinalIgnoreCase) ? new ZLibStream(request.Body, CompressionMode.Decompress)
            : encoding.Contains("br", StringComparison.OrdinalIgnoreCase) ? new BrotliStream(request.Body, CompressionMode.Decompress)
            : null;

        if (decompress is null && request.ContentLength is { } length)
        {
            if (length > limit) return null;
            var exact = new byte[length];
            var read = await request.Body.ReadAtLeastAsync(exact, exact.Length, throwOnEndOfStream: false, ct);
            return exact.AsMemory(0, read);
        }

        await using var stream = decompress ?? request.Body;
        using var buffer = new MemoryStream(16 * 1024);
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > limit) return null;
                buffer.Write(chunk, 0, read);
            }
        }
        catch (InvalidDataException ex)
        {
            throw new BadHttpRequestException($"The body says it is {encoding}-compressed but cannot be decompressed: {ex.Message}");
        }
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }
}

public sealed record TrackingResponse(bool Success);
