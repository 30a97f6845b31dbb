using System.Buffers;
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
        IngestionOptions limits, TimeProvider time, Hosting.MessageSentCounter sent)
    {
        public async Task<IResult> AcceptAsync(HttpContext http, EventType? type, CancellationToken ct)
        {
            var receivedAt = time.GetUtcNow();
            using var body = await ReadBodyAsync(http.Request, limits.MaxRequestBytes, ct);
            if (body is null)
            {
                return Problem(400, "The request is too large.",
                    $"The body is larger than {limits.MaxRequestBytes:N0} bytes (after decompression). Send fewer events per batch.");
            }
            var bytes = body.Memory;
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
            await sent.TakeAsync(events, ct);
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
    /// a compression bomb costs at most the limit. Read in one copy into an array rented from the
    /// shared pool: a batch is often hundreds of kilobytes, and a new array of that size per request
    /// is a large-object allocation that only a full collection gives back.
    /// </summary>
    static async Task<PooledBody?> ReadBodyAsync(HttpRequest request, int limit, CancellationToken ct)
    {
        var encoding = request.Headers.ContentEncoding.ToString();
        Stream? decompress =
            encoding.Contains("gzip", StringComparison.OrdinalIgnoreCase) ? new GZipStream(request.Body, CompressionMode.Decompress)
            : encoding.Contains("deflate", StringComparison.OrdinalIgnoreCase) ? new ZLibStream(request.Body, CompressionMode.Decompress)
            : encoding.Contains("br", StringComparison.OrdinalIgnoreCase) ? new BrotliStream(request.Body, CompressionMode.Decompress)
            : null;

        // A plain body is read up to its announced length (a client that sends less gives what it sent);
        // any other is read until it ends or passes the limit.
        var announced = decompress is null ? request.ContentLength : null;
        if (announced > limit) return null;
        var most = announced is { } length ? (int)length : limit + 1;
        await using var owned = decompress;
        var stream = decompress ?? request.Body;
        var body = new PooledBody(announced is null ? 16 * 1024 : most);
        try
        {
            while (body.Memory.Length < most && await body.FillAsync(stream, most, ct) > 0)
            {
            }
        }
        catch (InvalidDataException ex)
        {
            body.Dispose();
            throw new BadHttpRequestException($"The body says it is {encoding}-compressed but cannot be decompressed: {ex.Message}");
        }
        catch
        {
            body.Dispose();
            throw;
        }
        if (body.Memory.Length <= limit) return body;
        body.Dispose();
        return null;
    }

    /// <summary>Bytes read into an array rented from the shared pool; dispose once nothing refers to them.</summary>
    sealed class PooledBody(int capacity) : IDisposable
    {
        byte[]? _buffer = ArrayPool<byte>.Shared.Rent(capacity);
        int _length;

        public ReadOnlyMemory<byte> Memory => (_buffer ?? throw new ObjectDisposedException(nameof(PooledBody))).AsMemory(0, _length);

        /// <summary>Reads once from <paramref name="stream"/>, growing up to <paramref name="most"/> bytes; returns the count read (0 at the end).</summary>
        public async Task<int> FillAsync(Stream stream, int most, CancellationToken ct)
        {
            var buffer = _buffer ?? throw new ObjectDisposedException(nameof(PooledBody));
            if (_length == buffer.Length && _length < most)
            {
                var larger = ArrayPool<byte>.Shared.Rent(Math.Min(most, buffer.Length * 2));
                buffer.AsSpan(0, _length).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(buffer);
                _buffer = buffer = larger;
            }
            var read = await stream.ReadAsync(buffer.AsMemory(_length, Math.Min(buffer.Length, most) - _length), ct);
            _length += read;
            return read;
        }

        public void Dispose()
        {
            if (_buffer is { } buffer) ArrayPool<byte>.Shared.Return(buffer);
            _buffer = null;
        }
    }
}

public sealed record TrackingResponse(bool Success);
