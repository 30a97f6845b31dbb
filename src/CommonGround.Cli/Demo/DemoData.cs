using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using CommonGround.Catalog;
using CommonGround.Events;
using CommonGround.Records;
using static CommonGround.Cli.Demo.DemoVocabulary;

namespace CommonGround.Cli.Demo;

/// <summary>The demo's five sources, in the order their data is drawn (and so owns catalog fields first).</summary>
enum DemoSource
{
    Loyalty,
    Ads,
    Social,
    Web,
    Calls,
}

/// <summary>What one slice of households produced, ready for the store.</summary>
sealed class DemoChunk
{
    public List<CustomerRecord> Customers { get; } = [];
    public List<OrderRecord> Orders { get; } = [];
    public List<TrackedEvent> Events { get; } = [];
    public long[] EventsBySource { get; } = new long[5];
    public IReadOnlyCollection<CatalogObservation> Observations { get; set; } = [];
}

/// <summary>
/// Draws the records and events of households: loyalty customers and their orders, web sessions that
/// start anonymous and are identified at login, shared family devices, retail-media impressions and
/// clicks, social ad clicks, call-centre calls, consent changes and group calls for business buyers.
/// Each household's draws come from a generator seeded by the seed and the household, and every
/// message id is derived from them, so the same seed and "now" give the same data. Not thread-safe:
/// one instance per thread.
/// </summary>
sealed class DemoData
{
    /// <summary>Behavioural events cover this many days before "now"; orders cover a year.</summary>
    public const int EventDays = 90;

    const int OrderDays = 365;

    static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    readonly DemoPopulation _population;
    readonly string[] _sourceIds;
    readonly string[] _teams;
    readonly int _seed;
    readonly DateTimeOffset _now;
    readonly DateTimeOffset _seenAt;
    readonly DateTimeOffset _windowStart;
    readonly ArrayBufferWriter<byte> _buffer = new(2048);
    readonly Utf8JsonWriter _writer;
    readonly string[] _serverContexts;

    // Per household: its generator and message counter.
    Random _rng = null!;
    int _household;
    int _sequence;
    DemoChunk _chunk = null!;
    CatalogCollector[] _collectors = null!;

    /// <param name="now">The newest moment of the data (events and orders lie before it).</param>
    /// <param name="seenAt">When the catalog saw the data: the real clock.</param>
    public DemoData(DemoPopulation population, string[] sourceIds, string[] teams, int seed, DateTimeOffset now, DateTimeOffset seenAt)
    {
        _population = population;
        _sourceIds = sourceIds;
        _teams = teams;
        _seed = seed;
        _now = now;
        _seenAt = seenAt;
        _windowStart = now.AddDays(-EventDays);
        _writer = new Utf8JsonWriter(_buffer, WriterOptions);
        _serverContexts = new string[5];
        _serverContexts[(int)DemoSource.Loyalty] = Json(w => Library(w, DemoSource.Loyalty));
        _serverContexts[(int)DemoSource.Calls] = Json(w => Library(w, DemoSource.Calls));
    }

    /// <summary>The records and events of households [first, first + count).</summary>
    public DemoChunk Generate(int first, int count)
    {
        _chunk = new DemoChunk();
        _collectors = [.. _teams.Select(team => new CatalogCollector(team, _seenAt))];
        for (var h = first; h < first + count; h++) Household(_population.Households[h]);
        _chunk.Observations = [.. _collectors.SelectMany(c => c.Observations)];
        return _chunk;
    }

    void Household(DemoHousehold household)
    {
        _household = household.Index;
        _sequence = 0;
        _rng = new Random((int)(DemoIds.Mix(_seed, 1, household.Index, 0) & 0x7FFFFFFF));
        var devices = Devices(household);
        foreach (var person in household.Members)
        {
            Customer(person);
            var onlineOrders = Orders(person);
            if (person.DuplicateOf is not null) continue;
            Loyalty(person);
            if (person.WebUserId is not null) Web(person, devices, onlineOrders);
            Calls(person);
        }
        if (_rng.Next(100) < 40) Visitor();
    }

    // ---- Records of the loyalty system ----

    void Customer(DemoPerson p)
    {
        var traits = Json(w =>
        {
            w.WriteString("loyalty_tier", p.Tier);
            w.WriteNumber("points_balance", PointsOf(p));
            w.WriteString("date_of_birth", p.BirthDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            w.WriteString("preferred_store", StoreNames[Array.IndexOf(Cities, p.Household.City)]);
            w.WriteString("signup_channel", p.DuplicateOf is not null ? "store" : p.WebUserId is not null && _rng.Next(2) == 0 ? "web" : "store");
            if (p.EmailChangedAt is { } changed) w.WriteString("email_updated_at", changed);
        });
        var record = new CustomerRecord
        {
            SourceId = _sourceIds[(int)DemoSource.Loyalty],
            CustomerId = p.CustomerId,
            Email = p.Email,
            Phone = p.Phone,
            FirstName = p.FirstName,
            LastName = p.LastName,
            AddressLine = p.Household.AddressLine,
            PostalCode = p.Household.PostalCode,
            City = p.Household.City.Name,
            Country = Country,
            Company = p.Company?.Name,
            CreatedAt = p.MemberSince,
            Traits = traits,
        };
        _chunk.Customers.Add(record);
        var c = _collectors[(int)DemoSource.Loyalty];
        c.Observe(DataType.Profile, "customers", "customer_id", "string", record.CustomerId);
        ObserveText(c, DataType.Profile, "customers", "email", record.Email);
        ObserveText(c, DataType.Profile, "customers", "phone", record.Phone);
        ObserveText(c, DataType.Profile, "customers", "first_name", record.FirstName);
        ObserveText(c, DataType.Profile, "customers", "last_name", record.LastName);
        ObserveText(c, DataType.Profile, "customers", "address_line", record.AddressLine);
        ObserveText(c, DataType.Profile, "customers", "postal_code", record.PostalCode);
        ObserveText(c, DataType.Profile, "customers", "city", record.City);
        ObserveText(c, DataType.Profile, "customers", "country", record.Country);
        ObserveText(c, DataType.Profile, "customers", "company", record.Company);
        c.Observe(DataType.Profile, "customers", "created_at", "string", null);
        ObserveMembers(c, DataType.Profile, "customers", "traits.", traits);
    }

    static int PointsOf(DemoPerson p) => (int)(DemoIds.Mix((ulong)p.Index) % (ulong)(p.Tier switch
    {
        "platinum" => 40_000,
        "gold" => 15_000,
        "silver" => 5_000,
        _ => 1_500,
    }));

    /// <summary>A year of orders; returns the online ones of the event window, which the web shop also reports.</summary>
    List<(OrderRecord Order, List<(Product Product, int Quantity)> Lines)> Orders(DemoPerson p)
    {
        var online = new List<(OrderRecord, List<(Product, int)>)>();
        var count = p.DuplicateOf is not null ? _rng.Next(3) : _rng.Next(100) < 25 ? 0 : 1 + Geometric(0.3, 30);
        var c = _collectors[(int)DemoSource.Loyalty];
        for (var k = 0; k < count; k++)
        {
            var orderedAt = _now.AddSeconds(-Math.Pow(_rng.NextDouble(), 1.15) * OrderDays * 86_400);
            var isOnline = p.WebUserId is not null && p.DuplicateOf is null && _rng.Next(100) < 40;
            var lines = new List<(Product, int)>();
            var lineCount = 1 + _rng.Next(isOnline ? 6 : 10) + (p.Company is null ? 0 : _rng.Next(6));
            decimal total = 0;
            for (var i = 0; i < lineCount; i++)
            {
                var product = Product.All[_rng.Next(Product.All.Length)];
                var quantity = _rng.Next(100) < 80 ? 1 : 2 + _rng.Next(p.Company is null ? 2 : 10);
                lines.Add((product, quantity));
                total += product.Price * quantity;
            }
            var age = _now - orderedAt;
            var status = isOnline && age < TimeSpan.FromDays(1) ? "processing"
                : isOnline && age < TimeSpan.FromDays(3) ? "shipped"
                : _rng.Next(100) switch { < 90 => "completed", < 94 => "returned", < 97 => "cancelled", _ => "refunded" };
            var channel = isOnline ? "online" : "store";
            var properties = Json(w =>
            {
                w.WriteString("channel", channel);
                if (!isOnline) w.WriteString("store", StoreNames[Array.IndexOf(Cities, p.Household.City)]);
                w.WriteNumber("lines", lineCount);
                w.WriteString("payment_method", PaymentMethods[_rng.Next(PaymentMethods.Length)]);
                w.WriteNumber("points_earned", (int)total);
                if (p.Company is not null) w.WriteString("po_number", "PO-" + _rng.Next(10_000, 99_999).ToString(CultureInfo.InvariantCulture));
            });
            var order = new OrderRecord
            {
                SourceId = _sourceIds[(int)DemoSource.Loyalty],
                OrderId = $"KM{p.Index + 1:D7}-{k + 1:D2}",
                CustomerId = p.CustomerId,
                OrderedAt = orderedAt,
                Total = total,
                Currency = DemoVocabulary.Currency,
                Status = status,
                Properties = properties,
            };
            _chunk.Orders.Add(order);
            foreach (var field in (ReadOnlySpan<string>)["order_id", "customer_id", "ordered_at", "currency", "status"])
                c.Observe(DataType.Transactional, "orders", field, "string", field == "customer_id" ? order.CustomerId : null);
            c.Observe(DataType.Transactional, "orders", "total", "number", null);
            ObserveMembers(c, DataType.Transactional, "orders", "properties.", properties);
            if (isOnline && orderedAt > _windowStart) online.Add((order, lines));
        }
        return online;
    }

    // ---- Loyalty marketing: consent, profile updates, business accounts ----

    /// <summary>
    /// One userId per person in every team's tool, as Segment asks: the web shop account's id when the
    /// person has one, their loyalty number otherwise. (Each tool using its own id would leave consent
    /// and calls in profiles that never meet the person's web profile: one userId per profile.)
    /// </summary>
    static string UserIdOf(DemoPerson p) => p.WebUserId ?? p.CustomerId;

    void Loyalty(DemoPerson p)
    {
        var userId = UserIdOf(p);
        var joinedInWindow = p.MemberSince > _windowStart;
        var at = joinedInWindow ? p.MemberSince : InWindow();
        var marketing = _rng.Next(100) < 68;
        Consent(DemoSource.Loyalty, userId, p.Email, at, "email", "marketing", marketing, joinedInWindow ? "signup" : "preference_centre");
        if (p.Phone is not null && _rng.Next(100) < 40)
            Consent(DemoSource.Loyalty, userId, p.Email, at.AddSeconds(1), "sms", "marketing", _rng.Next(100) < 70, joinedInWindow ? "signup" : "preference_centre");
        if (_rng.Next(100) < 25)
            Consent(DemoSource.Loyalty, userId, p.Email, at.AddSeconds(2), "email", "analytics", _rng.Next(100) < 80, "preference_centre");
        if (marketing && _rng.Next(100) < 6)
            Consent(DemoSource.Loyalty, userId, p.Email, Between(at, _now), "email", "marketing", false, "unsubscribe_link");

        if (p.EmailChangedAt is { } changedAt)
            Identify(DemoSource.Loyalty, userId, null, changedAt, LoyaltyTraits(p, p.Email), _serverContexts[(int)DemoSource.Loyalty]);
        else if (_rng.Next(100) < 30)
            Identify(DemoSource.Loyalty, userId, null, InWindow(), LoyaltyTraits(p, p.Email), _serverContexts[(int)DemoSource.Loyalty]);

        if (p.Company is { } company)
        {
            var traits = Json(w =>
            {
                w.WriteString("name", company.Name);
                w.WriteString("industry", company.Industry);
                w.WriteNumber("employees", company.Employees);
                w.WriteString("website", "https://www." + company.Domain);
                w.WriteString("account_type", "business");
            });
            Add(DemoSource.Loyalty, EventType.Group, null, null, userId, null, company.GroupId, InWindow(), null, traits,
                _serverContexts[(int)DemoSource.Loyalty]);
        }
    }

    string LoyaltyTraits(DemoPerson p, string email) => Json(w =>
    {
        w.WriteString("email", email);
        w.WriteString("first_name", p.FirstName);
        w.WriteString("last_name", p.LastName);
        if (p.Phone is not null) w.WriteString("phone", p.Phone);
        w.WriteString("loyalty_tier", p.Tier);
        w.WriteNumber("points_balance", PointsOf(p));
    });

    /// <summary>A consent change, sent server-side with the person's e-mail in context.traits (how the preference centre knows them).</summary>
    void Consent(DemoSource source, string userId, string email, DateTimeOffset at, string channel, string purpose,
        bool granted, string via)
    {
        var context = Json(w =>
        {
            Library(w, source);
            w.WriteStartObject("traits");
            w.WriteString("email", email);
            w.WriteEndObject();
        });
        var properties = Json(w =>
        {
            w.WriteString("channel", channel);
            w.WriteString("purpose", purpose);
            w.WriteString("status", granted ? "granted" : "withdrawn");
            w.WriteBoolean("granted", granted);
            w.WriteString("collected_via", via);
            w.WriteString("policy_version", "2024-11");
        });
        Add(source, EventType.Track, "Consent Updated", null, userId, null, null, at, properties, null, context);
    }

    // ---- Web shop, retail media and social ----

    sealed record Device(string AnonymousId, string Ip, string UserAgent, string WebContext, string AdContext);

    /// <summary>One or two devices per online member, and sometimes a family tablet they all use.</summary>
    Dictionary<DemoPerson, List<Device>> Devices(DemoHousehold household)
    {
        var ip = $"{(byte)(80 + _rng.Next(100))}.{_rng.Next(256)}.{_rng.Next(256)}.{1 + _rng.Next(254)}";
        var online = household.Members.Where(m => m.WebUserId is not null && m.DuplicateOf is null).ToList();
        var devices = new Dictionary<DemoPerson, List<Device>>();
        var number = 0;
        Device NewDevice()
        {
            var anonymousId = DemoIds.Uuid(_seed, 2, household.Index, number++);
            var userAgent = UserAgents[_rng.Next(UserAgents.Length)];
            return new Device(anonymousId, ip, userAgent, WebContext(ip, userAgent, null), AdContext(ip, userAgent));
        }
        foreach (var member in online)
        {
            var own = new List<Device> { NewDevice() };
            if (_rng.Next(100) < 35) own.Add(NewDevice());
            devices[member] = own;
        }
        if (online.Count >= 2 && _rng.Next(100) < 45)
        {
            var family = NewDevice();
            foreach (var member in online) devices[member].Add(family);
        }
        return devices;
    }

    string WebContext(string ip, string userAgent, string? campaign) => Json(w =>
    {
        w.WriteStartObject("library");
        w.WriteString("name", "analytics.js");
        w.WriteString("version", "next-1.72.0");
        w.WriteEndObject();
        w.WriteString("ip", ip);
        w.WriteString("userAgent", userAgent);
        w.WriteString("locale", "en-GB");
        if (campaign is not null)
        {
            w.WriteStartObject("campaign");
            w.WriteString("name", campaign);
            w.WriteString("source", "social");
            w.WriteString("medium", "paid_social");
            w.WriteEndObject();
        }
    });

    string AdContext(string ip, string userAgent) => Json(w =>
    {
        w.WriteStartObject("library");
        w.WriteString("name", "kestrel-ads-server");
        w.WriteString("version", "3.2.1");
        w.WriteEndObject();
        w.WriteString("ip", ip);
        w.WriteString("userAgent", userAgent);
    });

    void Web(DemoPerson p, Dictionary<DemoPerson, List<Device>> devices, List<(OrderRecord Order, List<(Product Product, int Quantity)> Lines)> orders)
    {
        var own = devices[p];
        var sessions = new List<(DateTimeOffset At, int Order)>();
        var count = 1 + Geometric(0.6, 8);
        for (var i = 0; i < count; i++) sessions.Add((InWindow(), -1));
        for (var i = 0; i < orders.Count; i++) sessions.Add((orders[i].Order.OrderedAt.AddMinutes(-4 - _rng.Next(20)), i));
        sessions.Sort((a, b) => a.At.CompareTo(b.At));
        var identified = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (start, orderIndex) in sessions)
        {
            var device = own[_rng.Next(own.Count)];
            var firstOnDevice = identified.Add(device.AnonymousId);
            var isOrder = orderIndex >= 0;
            var loggedIn = isOrder || firstOnDevice || _rng.Next(100) < 70;
            // On a device the person has used before, a logged-in session carries the userId from the start;
            // on a new one it starts anonymous and is identified at login.
            var userId = loggedIn && !firstOnDevice ? p.WebUserId : null;
            var t = start;
            var context = device.WebContext;
            if (_rng.Next(100) < 12) context = SocialClick(device, ref t);
            Page(device.AnonymousId, userId, context, ref t, "Home", null, "/");
            if (loggedIn && userId is null)
            {
                t = t.AddSeconds(5 + _rng.Next(40));
                var email = p.EmailChangedAt is { } changed && t < changed ? p.PreviousEmail! : p.Email;
                Identify(DemoSource.Web, p.WebUserId, device.AnonymousId, t, WebTraits(p, email), context);
                userId = p.WebUserId;
            }
            Browse(device, userId, context, ref t, isOrder ? 1 : 0);
            if (isOrder) Checkout(device, userId!, context, ref t, orders[orderIndex].Order, orders[orderIndex].Lines);
        }
    }

    string WebTraits(DemoPerson p, string email) => Json(w =>
    {
        w.WriteString("email", email);
        w.WriteString("firstName", p.FirstName);
        w.WriteString("lastName", p.LastName);
        if (p.WebLinked) w.WriteString("loyaltyId", p.CustomerId);
        if (p.Company is not null) w.WriteString("company", p.Company.Name);
    });

    /// <summary>Someone who browses and never logs in.</summary>
    void Visitor()
    {
        var anonymousId = DemoIds.Uuid(_seed, 3, _household, 0);
        var ip = $"{(byte)(80 + _rng.Next(100))}.{_rng.Next(256)}.{_rng.Next(256)}.{1 + _rng.Next(254)}";
        var userAgent = UserAgents[_rng.Next(UserAgents.Length)];
        var device = new Device(anonymousId, ip, userAgent, WebContext(ip, userAgent, null), AdContext(ip, userAgent));
        var sessions = 1 + Geometric(0.6, 4);
        for (var i = 0; i < sessions; i++)
        {
            var t = InWindow();
            var context = device.WebContext;
            if (_rng.Next(100) < 15) context = SocialClick(device, ref t);
            Page(anonymousId, null, context, ref t, "Home", null, "/");
            Browse(device, null, context, ref t, 0);
        }
    }

    /// <summary>A click on a social ad that lands on the shop; returns the landing session's context.</summary>
    string SocialClick(Device device, ref DateTimeOffset t)
    {
        var platform = SocialPlatforms[_rng.Next(SocialPlatforms.Length)];
        var campaign = SocialCampaigns[_rng.Next(SocialCampaigns.Length)];
        var properties = Json(w =>
        {
            w.WriteString("platform", platform);
            w.WriteString("campaign", campaign);
            w.WriteString("ad_set", campaign + "_" + (_rng.Next(100) < 50 ? "lookalike" : "retargeting"));
            w.WriteString("ad_id", platform[..2] + "-" + _rng.Next(100_000, 999_999).ToString(CultureInfo.InvariantCulture));
            w.WriteString("landing_page", WebHost + "/offers/" + campaign.Replace('_', '-'));
        });
        Add(DemoSource.Social, EventType.Track, "Social Ad Clicked", null, null, device.AnonymousId, null, t, properties, null,
            SocialContext(platform, campaign));
        t = t.AddSeconds(2 + _rng.Next(6));
        return WebContext(device.Ip, device.UserAgent, campaign);
    }

    string SocialContext(string platform, string campaign) => Json(w =>
    {
        w.WriteStartObject("library");
        w.WriteString("name", "kestrel-social-connector");
        w.WriteString("version", "1.4.0");
        w.WriteEndObject();
        w.WriteStartObject("campaign");
        w.WriteString("name", campaign);
        w.WriteString("source", platform);
        w.WriteString("medium", "paid_social");
        w.WriteEndObject();
    });

    /// <summary>Category and product pages, sponsored placements and their clicks, the odd add to cart.</summary>
    void Browse(Device device, string? userId, string context, ref DateTimeOffset t, int minimumProducts)
    {
        var category = Categories[_rng.Next(Categories.Length)];
        if (_rng.Next(100) < 60)
            Page(device.AnonymousId, userId, context, ref t, category.Name, "Category", "/c/" + category.Slug);
        var impressions = _rng.Next(100) < 45 ? 1 + _rng.Next(2) : 0;
        for (var i = 0; i < impressions; i++)
        {
            var sponsored = Product.In(category, _rng);
            var placement = Placements[_rng.Next(Placements.Length)];
            AdEvent("Ad Impression", device, userId, t.AddMilliseconds(300 + _rng.Next(900)), sponsored, placement);
            if (_rng.Next(100) < 6)
            {
                t = t.AddSeconds(3 + _rng.Next(20));
                AdEvent("Ad Clicked", device, userId, t, sponsored, placement);
                ProductView(device, userId, context, ref t, sponsored);
            }
        }
        var views = Math.Max(minimumProducts, _rng.Next(100) < 55 ? 1 + _rng.Next(2) : 0);
        for (var i = 0; i < views; i++)
        {
            var product = Product.In(category, _rng);
            ProductView(device, userId, context, ref t, product);
            if (minimumProducts == 0 && _rng.Next(100) < 18) AddedToCart(device, userId, context, ref t, product, 1);
        }
    }

    void ProductView(Device device, string? userId, string context, ref DateTimeOffset t, Product product)
    {
        Page(device.AnonymousId, userId, context, ref t, product.Name, "Product", "/p/" + product.Sku.ToLowerInvariant());
        var properties = Json(w => ProductProperties(w, product, null));
        Add(DemoSource.Web, EventType.Track, "Product Viewed", null, userId, device.AnonymousId, null, t.AddMilliseconds(400), properties, null, context);
    }

    void AddedToCart(Device device, string? userId, string context, ref DateTimeOffset t, Product product, int quantity)
    {
        t = t.AddSeconds(4 + _rng.Next(30));
        var properties = Json(w => ProductProperties(w, product, quantity));
        Add(DemoSource.Web, EventType.Track, "Added to Cart", null, userId, device.AnonymousId, null, t, properties, null, context);
    }

    void Checkout(Device device, string userId, string context, ref DateTimeOffset t, OrderRecord order, List<(Product Product, int Quantity)> lines)
    {
        foreach (var (product, quantity) in lines.Take(3)) AddedToCart(device, userId, context, ref t, product, quantity);
        Page(device.AnonymousId, userId, context, ref t, "Checkout", "Checkout", "/checkout");
        t = order.OrderedAt;
        var properties = Json(w =>
        {
            w.WriteString("order_id", order.OrderId);
            w.WriteNumber("total", order.Total);
            w.WriteNumber("revenue", Math.Round(order.Total / 1.2m, 2));
            w.WriteNumber("tax", order.Total - Math.Round(order.Total / 1.2m, 2));
            w.WriteString("currency", order.Currency);
            w.WriteStartArray("products");
            foreach (var (product, quantity) in lines)
            {
                w.WriteStartObject();
                ProductProperties(w, product, quantity);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
        Add(DemoSource.Web, EventType.Track, "Order Completed", null, userId, device.AnonymousId, null, t, properties, null, context);
    }

    static void ProductProperties(Utf8JsonWriter w, Product product, int? quantity)
    {
        w.WriteString("product_id", product.Sku);
        w.WriteString("sku", product.Sku);
        w.WriteString("name", product.Name);
        w.WriteString("brand", product.Brand);
        w.WriteString("category", product.Category.Name);
        w.WriteNumber("price", product.Price);
        if (quantity is { } q) w.WriteNumber("quantity", q);
        w.WriteString("currency", DemoVocabulary.Currency);
    }

    void AdEvent(string name, Device device, string? userId, DateTimeOffset at, Product product, string placement)
    {
        var properties = Json(w =>
        {
            w.WriteString("ad_id", "ad-" + product.Sku.ToLowerInvariant() + "-" + placement[..3]);
            w.WriteString("campaign_id", "rmn-" + product.Brand.Split(' ')[0].ToLowerInvariant() + "-q" + (1 + (at.Month - 1) / 3).ToString(CultureInfo.InvariantCulture));
            w.WriteString("sponsor_brand", product.Brand);
            w.WriteString("placement", placement);
            w.WriteString("sku", product.Sku);
            w.WriteString("cost_model", name == "Ad Clicked" ? "cpc" : "cpm");
            w.WriteNumber("price_gbp", name == "Ad Clicked" ? 0.35m + _rng.Next(40) / 100m : 0.004m);
        });
        Add(DemoSource.Ads, EventType.Track, name, null, userId, device.AnonymousId, null, at, properties, null, device.AdContext);
    }

    void Page(string anonymousId, string? userId, string context, ref DateTimeOffset t, string name, string? category, string path)
    {
        t = t.AddSeconds(8 + _rng.Next(80));
        var properties = Json(w =>
        {
            w.WriteString("path", path);
            w.WriteString("url", WebHost + path);
            w.WriteString("title", name + " | " + Retailer);
            if (path == "/") w.WriteString("referrer", _rng.Next(3) == 0 ? "https://www.google.com/" : "");
        });
        Add(DemoSource.Web, EventType.Page, name, category, userId, anonymousId, null, t, properties, null, context);
    }

    // ---- Telemarketing ----

    void Calls(DemoPerson p)
    {
        if (p.Phone is null || _rng.Next(100) >= (p.Company is null ? 18 : 40)) return;
        var calls = 1 + Geometric(0.6, 3);
        var context = _serverContexts[(int)DemoSource.Calls];
        var first = true;
        var outcomes = CallOutcomes.Select(o => o.Weight).ToArray();
        for (var i = 0; i < calls; i++)
        {
            var day = InWindow().UtcDateTime.Date;
            var at = new DateTimeOffset(day.AddHours(9 + _rng.Next(9)).AddMinutes(_rng.Next(60)), TimeSpan.Zero);
            if (at > _now) at = _now.AddHours(-1 - _rng.Next(48));
            if (first)
            {
                // The agent found the customer by phone number and confirmed who they are.
                Identify(DemoSource.Calls, UserIdOf(p), null, at, Json(w =>
                {
                    w.WriteString("phone", p.Phone);
                    w.WriteString("first_name", p.FirstName);
                    w.WriteString("last_name", p.LastName);
                    w.WriteString("postal_code", p.Household.PostalCode);
                }), context);
                first = false;
            }
            var outcome = CallOutcomes[DemoPopulation.Pick(_rng, outcomes)].Outcome;
            var answered = outcome is not ("no_answer" or "voicemail");
            var properties = Json(w =>
            {
                w.WriteString("call_id", "call-" + DemoIds.Hex(DemoIds.Mix(_seed, 4, _household, _sequence), 12));
                w.WriteString("direction", _rng.Next(100) < 70 ? "outbound" : "inbound");
                w.WriteString("campaign", p.Company is not null ? "business_accounts" : CallCampaigns[_rng.Next(CallCampaigns.Length)]);
                w.WriteString("outcome", outcome);
                w.WriteNumber("duration_seconds", answered ? 40 + _rng.Next(900) : _rng.Next(35));
                w.WriteString("agent_id", "agent-" + (1 + _rng.Next(48)).ToString("D2", CultureInfo.InvariantCulture));
                w.WriteString("phone_number", p.Phone);
            });
            Add(DemoSource.Calls, EventType.Track, "Call Completed", null, UserIdOf(p), null, null, at, properties, null, context);
            if (outcome == "do_not_call")
                Consent(DemoSource.Calls, UserIdOf(p), p.Email, at.AddMinutes(1), "phone", "marketing", false, "call");
            else if (outcome == "sale" && _rng.Next(100) < 30)
                Consent(DemoSource.Calls, UserIdOf(p), p.Email, at.AddMinutes(1), "phone", "marketing", true, "call");
        }
    }

    // ---- Events and the catalog ----

    void Identify(DemoSource source, string? userId, string? anonymousId, DateTimeOffset at, string traits, string? context) =>
        Add(source, EventType.Identify, null, null, userId, anonymousId, null, at, null, traits, context);

    void Add(DemoSource source, EventType type, string? name, string? category, string? userId, string? anonymousId,
        string? groupId, DateTimeOffset at, string? properties, string? traits, string? context)
    {
        if (at > _now) at = _now.AddSeconds(-1 - _rng.Next(600));
        var browser = source is DemoSource.Web or DemoSource.Ads;
        var sentAt = browser ? at.AddMilliseconds(20 + _rng.Next(400)) : (DateTimeOffset?)null;
        var e = new TrackedEvent
        {
            SourceId = _sourceIds[(int)source],
            MessageId = (browser ? "ajs-next-" : "") + DemoIds.Uuid(_seed, 10 + (int)source, _household, _sequence++),
            Type = type,
            Name = name,
            Category = category,
            UserId = userId,
            AnonymousId = anonymousId,
            GroupId = groupId,
            Timestamp = at,
            OriginalTimestamp = at,
            SentAt = sentAt,
            ReceivedAt = (sentAt ?? at).AddMilliseconds(30 + _rng.Next(300)),
            Context = context,
            Properties = properties,
            Traits = traits,
        };
        _chunk.Events.Add(e);
        _chunk.EventsBySource[(int)source]++;
        Observe(_collectors[(int)source], e);
    }

    /// <summary>Shows the catalog the event as a client would have sent it.</summary>
    void Observe(CatalogCollector collector, TrackedEvent e)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        _writer.WriteStartObject();
        if (e.UserId is not null) _writer.WriteString("userId", e.UserId);
        if (e.AnonymousId is not null) _writer.WriteString("anonymousId", e.AnonymousId);
        if (e.GroupId is not null) _writer.WriteString("groupId", e.GroupId);
        if (e.Properties is not null) { _writer.WritePropertyName("properties"); _writer.WriteRawValue(e.Properties, skipInputValidation: true); }
        if (e.Traits is not null) { _writer.WritePropertyName("traits"); _writer.WriteRawValue(e.Traits, skipInputValidation: true); }
        if (e.Context is not null) { _writer.WritePropertyName("context"); _writer.WriteRawValue(e.Context, skipInputValidation: true); }
        _writer.WriteEndObject();
        _writer.Flush();
        using var raw = JsonDocument.Parse(_buffer.WrittenMemory);
        collector.Observe(e, raw.RootElement);
    }

    static void ObserveText(CatalogCollector c, DataType type, string dataset, string field, string? value)
    {
        if (value is not null) c.Observe(type, dataset, field, "string", value);
    }

    static void ObserveMembers(CatalogCollector c, DataType type, string dataset, string prefix, string json)
    {
        using var doc = JsonDocument.Parse(json);
        foreach (var member in doc.RootElement.EnumerateObject())
        {
            var sample = member.Value.ValueKind == JsonValueKind.String ? member.Value.GetString() : null;
            c.Observe(type, dataset, prefix + member.Name, CatalogCollector.KindName(member.Value.ValueKind), sample);
        }
    }

    string Json(Action<Utf8JsonWriter> write)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        _writer.WriteStartObject();
        write(_writer);
        _writer.WriteEndObject();
        _writer.Flush();
        return Encoding.UTF8.GetString(_buffer.WrittenSpan);
    }

    /// <summary>The library object of the server-side sources (the loyalty system's sync, the call centre's Java SDK).</summary>
    static void Library(Utf8JsonWriter w, DemoSource source)
    {
        w.WriteStartObject("library");
        w.WriteString("name", source == DemoSource.Calls ? "analytics-java" : "kestrel-loyalty-sync");
        w.WriteString("version", source == DemoSource.Calls ? "3.5.1" : "5.2.0");
        w.WriteEndObject();
    }

    DateTimeOffset InWindow() => _windowStart.AddSeconds(_rng.NextDouble() * EventDays * 86_400);

    DateTimeOffset Between(DateTimeOffset from, DateTimeOffset to) => from.AddSeconds(_rng.NextDouble() * (to - from).TotalSeconds);

    /// <summary>Failures before the first success, capped: 0 most often, rarely many.</summary>
    int Geometric(double p, int max)
    {
        var n = 0;
        while (n < max && _rng.NextDouble() > p) n++;
        return n;
    }
}

/// <summary>An item of the shop: a category's noun made by one of its brands, with a stable price.</summary>
sealed record Product(string Sku, string Name, string Brand, Category Category, decimal Price)
{
    public static readonly Product[] All = Build();

    static Product[] Build()
    {
        var products = new List<Product>();
        foreach (var category in Categories)
        {
            foreach (var noun in category.Nouns)
            {
                foreach (var b in category.BrandIndexes)
                {
                    var brand = Brands[b];
                    var n = products.Count;
                    var span = category.MaxPrice - category.MinPrice;
                    var price = Math.Round(category.MinPrice + span * (DemoIds.Mix((ulong)n + 101) % 1000) / 1000m, 1) - 0.01m;
                    products.Add(new Product($"KM-{10_000 + n * 37}", brand + " " + noun, brand, category, Math.Max(0.49m, price)));
                }
            }
        }
        return [.. products];
    }

    static readonly Dictionary<string, int> FirstOfCategory =
        Categories.ToDictionary(c => c.Slug, c => Array.FindIndex(All, p => p.Category.Slug == c.Slug));

    public static Product In(Category category, Random rng) =>
        All[FirstOfCategory[category.Slug] + rng.Next(category.Nouns.Length * category.BrandIndexes.Length)];
}
