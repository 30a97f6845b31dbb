using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CommonGround.Benchmarks;

/// <summary>
/// Synthetic but realistic Segment traffic: a web shop's mix of track (60%), page (25%) and
/// identify (15%) calls with the context an analytics.js-style client sends, 400-600 bytes of JSON
/// per event. Deterministic for a given seed. All names and addresses are invented.
/// </summary>
/// <remarks>
/// Every messageId ends in <see cref="SequenceDigits"/> zero digits whose offsets in the body are
/// recorded, so a sender can stamp a fresh, unique id into its copy of a pre-serialised body with a
/// few byte writes instead of serialising JSON while the clock runs.
/// </remarks>
public sealed class EventCorpus
{
    public const int SequenceDigits = 12;

    static readonly string[] TrackNames =
        ["Product Viewed", "Product Added", "Cart Viewed", "Checkout Started", "Order Completed", "Products Searched", "Coupon Applied"];
    static readonly string[] Categories = ["shoes", "outerwear", "kitchen", "garden", "toys", "books", "audio"];
    static readonly string[] Pages = ["/", "/search", "/cart", "/checkout", "/account", "/p/trail-runner-2", "/c/kitchen"];
    static readonly string[] Referrers = ["https://www.google.com/", "https://duckduckgo.com/", "", "https://news.example.org/deals"];
    static readonly string[] Locales = ["en-GB", "fr-FR", "de-DE", "nl-NL", "en-US"];
    static readonly string[] Agents =
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) Mobile/15E148",
        "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Firefox/133.0",
    ];

    /// <summary>One pre-serialised /v1/batch body and the offsets of its messageIds' sequence digits.</summary>
    public sealed record Body(byte[] Bytes, int[] SequenceOffsets);

    public IReadOnlyList<Body> Bodies { get; }
    public int BatchSize { get; }
    public double MeanEventBytes { get; }

    EventCorpus(IReadOnlyList<Body> bodies, int batchSize, double meanEventBytes)
    {
        Bodies = bodies;
        BatchSize = batchSize;
        MeanEventBytes = meanEventBytes;
    }

    /// <summary>Builds <paramref name="bodyCount"/> distinct batch bodies of <paramref name="batchSize"/> events.</summary>
    /// <param name="runTag">Part of every messageId, so runs never share ids.</param>
    public static EventCorpus Create(int batchSize, int bodyCount, string runTag, int seed = 20_260_101)
    {
        var random = new Random(seed);
        var start = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
        var bodies = new List<Body>(bodyCount);
        long eventBytes = 0;
        for (var b = 0; b < bodyCount; b++)
        {
            using var stream = new MemoryStream(batchSize * 600);
            var offsets = new int[batchSize];
            using (var writer = new Utf8JsonWriter(stream))
            {
                writer.WriteStartObject();
                writer.WriteStartArray("batch");
                for (var i = 0; i < batchSize; i++)
                {
                    writer.Flush();
                    var before = stream.Position;
                    WriteEvent(writer, random, start.AddMilliseconds((b * batchSize + i) * 37), runTag);
                    writer.Flush();
                    eventBytes += stream.Position - before;
                }
                writer.WriteEndArray();
                writer.WriteString("sentAt", start.AddHours(1).ToString("O", CultureInfo.InvariantCulture));
                writer.WriteEndObject();
            }
            var bytes = stream.ToArray();
            var marker = Encoding.UTF8.GetBytes($"-{runTag}-{new string('0', SequenceDigits)}\"");
            var at = 0;
            for (var i = 0; i < batchSize; i++)
            {
                var found = bytes.AsSpan(at).IndexOf(marker);
                if (found < 0) throw new InvalidOperationException("messageId marker not found");
                offsets[i] = at + found + 1 + runTag.Length + 1;
                at = offsets[i] + SequenceDigits;
            }
            // Segment's (and our) limit is 500 KB a request: a realistic client stays under it.
            if (bytes.Length > 500 * 1024) throw new InvalidOperationException($"A body of {bytes.Length:N0} bytes is over the 500 KB request limit.");
            bodies.Add(new Body(bytes, offsets));
        }
        return new EventCorpus(bodies, batchSize, (double)eventBytes / ((long)bodyCount * batchSize));
    }

    /// <summary>Writes <paramref name="sequence"/>+i into the i-th messageId of <paramref name="target"/> (a copy of the body).</summary>
    public static void Stamp(Span<byte> target, Body body, long sequence)
    {
        for (var i = 0; i < body.SequenceOffsets.Length; i++)
        {
            var slot = target.Slice(body.SequenceOffsets[i], SequenceDigits);
            if (!Utf8Formatter.TryFormat(sequence + i, slot, out _, new System.Buffers.StandardFormat('D', SequenceDigits)))
                throw new InvalidOperationException("sequence does not fit");
        }
    }

    static void WriteEvent(Utf8JsonWriter w, Random r, DateTimeOffset at, string runTag)
    {
        var roll = r.Next(100);
        var user = r.Next(1, 200_000);
        var anonymous = Guid.NewGuid();
        var known = r.Next(100) < 40;
        w.WriteStartObject();
        w.WriteString("type", roll < 60 ? "track" : roll < 85 ? "page" : "identify");
        w.WriteString("messageId", $"m-{runTag}-{new string('0', SequenceDigits)}");
        w.WriteString("anonymousId", anonymous.ToString("D"));
        if (known || roll >= 85) w.WriteString("userId", "u" + user.ToString(CultureInfo.InvariantCulture));
        w.WriteString("timestamp", at.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
        var page = Pages[r.Next(Pages.Length)];
        if (roll < 60)
        {
            var name = TrackNames[r.Next(TrackNames.Length)];
            w.WriteString("event", name);
            w.WriteStartObject("properties");
            w.WriteString("product_id", "sku-" + r.Next(10_000, 99_999).ToString(CultureInfo.InvariantCulture));
            w.WriteString("category", Categories[r.Next(Categories.Length)]);
            w.WriteNumber("price", Math.Round(r.NextDouble() * 200, 2));
            w.WriteNumber("quantity", r.Next(1, 4));
            if (name == "Order Completed")
            {
                w.WriteString("order_id", "o-" + r.Next(1_000_000, 9_999_999).ToString(CultureInfo.InvariantCulture));
                w.WriteNumber("revenue", Math.Round(r.NextDouble() * 400, 2));
            }
            w.WriteEndObject();
        }
        else if (roll < 85)
        {
            w.WriteString("name", page == "/" ? "Home" : page.TrimStart('/'));
            w.WriteStartObject("properties");
            w.WriteString("path", page);
            w.WriteString("url", "https://shop.example.com" + page);
            w.WriteEndObject();
        }
        else
        {
            w.WriteStartObject("traits");
            w.WriteString("email", $"customer{user}@example.com");
            w.WriteString("plan", r.Next(3) == 0 ? "loyalty" : "standard");
            w.WriteNumber("orders", r.Next(0, 40));
            w.WriteEndObject();
        }
        w.WriteStartObject("context");
        w.WriteString("ip", $"203.0.113.{r.Next(1, 255)}");
        w.WriteString("locale", Locales[r.Next(Locales.Length)]);
        w.WriteString("userAgent", Agents[r.Next(Agents.Length)]);
        w.WriteStartObject("library");
        w.WriteString("name", "analytics.js");
        w.WriteString("version", "5.2.0");
        w.WriteEndObject();
        w.WriteStartObject("page");
        w.WriteString("referrer", Referrers[r.Next(Referrers.Length)]);
        w.WriteEndObject();
        if (r.Next(6) == 0)
        {
            w.WriteStartObject("campaign");
            w.WriteString("source", "newsletter");
            w.WriteString("medium", "email");
            w.WriteString("name", "spring-sale");
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
