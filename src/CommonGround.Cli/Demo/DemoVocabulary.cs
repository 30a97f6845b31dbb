namespace CommonGround.Cli.Demo;

/// <summary>
/// The words the demo retailer ("Kestrel Market", a fictional UK grocery and home chain) is made of.
/// Names are common given names and surnames combined at random, streets are invented from generic
/// parts, brands and companies are made up: no list describes a real person or customer.
/// </summary>
static class DemoVocabulary
{
    public const string Retailer = "Kestrel Market";
    public const string Currency = "GBP";
    public const string Country = "GB";
    public const string WebHost = "https://www.kestrelmarket.example";

    public static readonly string[] FirstNames =
    [
        "Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Isabella", "Rosie", "Sophia", "Grace", "Freya",
        "Evie", "Poppy", "Ella", "Charlotte", "Emily", "Sophie", "Chloe", "Hannah", "Lucy", "Jessica", "Ruby",
        "Megan", "Holly", "Laura", "Sarah", "Rachel", "Emma", "Claire", "Helen", "Karen", "Susan", "Julie",
        "Joanne", "Nicola", "Priya", "Aisha", "Fatima", "Zara", "Maya", "Niamh", "Siobhan", "Aoife", "Catrin",
        "Eilidh", "Agnieszka", "Ana", "Noah", "Oliver", "George", "Arthur", "Leo", "Harry", "Oscar", "Archie",
        "Henry", "Theo", "Jack", "Charlie", "Thomas", "James", "William", "Daniel", "Joshua", "Samuel", "Benjamin",
        "Matthew", "Luke", "Ryan", "Adam", "Liam", "Callum", "Connor", "Jamie", "Ben", "Tom", "Chris", "David",
        "Mark", "Paul", "Andrew", "Richard", "Steven", "Michael", "Peter", "Gareth", "Rhys", "Dylan", "Ewan",
        "Fraser", "Mohammed", "Ali", "Omar", "Arjun", "Ravi", "Sanjay", "Tomasz", "Piotr", "Marco", "Luca",
        "Kwame", "Tariq", "Sean", "Ciaran", "Owen",
    ];

    public static readonly string[] Surnames =
    [
        "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright",
        "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke", "Patel",
        "Khan", "Lewis", "James", "Phillips", "Mason", "Mitchell", "Rose", "Davis", "Rodgers", "Cooper", "Ward",
        "Morris", "Hughes", "Edwards", "Turner", "Hill", "Moore", "Clark", "Harrison", "Scott", "Young", "Morgan",
        "Baker", "Harris", "Lee", "King", "Carter", "Allen", "Shaw", "Bennett", "Cook", "Bell", "Murphy", "Bailey",
        "Parker", "Price", "Collins", "Richardson", "Kelly", "Howard", "Marshall", "Owen", "Chapman", "Ellis",
        "Webb", "Palmer", "Lloyd", "Fisher", "Gray", "Hussain", "Ahmed", "Singh", "Begum", "Murray", "Fraser",
        "Reid", "Campbell", "MacDonald", "Stewart", "Kaur", "Nowak", "Kowalski", "Rossi", "Okafor", "Mensah",
        "O'Brien", "O'Neill", "Byrne", "Doyle", "Quinn", "Pritchard", "Rees", "Powell", "Barker", "Hunt", "Holmes",
        "Fletcher", "Gibson", "Dawson", "Lambert", "Fox", "Rowe", "Sutton", "Booth",
    ];

    static readonly string[] StreetStems =
    [
        "Mill", "Church", "Station", "Park", "Victoria", "Albert", "Manor", "Queens", "Kings", "Chapel", "Orchard",
        "Meadow", "Willow", "Beech", "Oak", "Elm", "Ash", "Cedar", "Holly", "Rowan", "Hawthorn", "Brook", "River",
        "Bridge", "School", "Market", "Castle", "Abbey", "Grange", "Farm", "Green", "Hill", "Spring", "Windmill",
        "Ferndale", "Larkspur", "Heather", "Primrose", "Clover", "Foxglove", "Juniper", "Kestrel", "Falcon",
        "Swallow", "Wren", "Linden", "Hazel", "Maple", "Poplar", "Sycamore",
    ];

    static readonly string[] StreetKinds =
        ["Road", "Street", "Lane", "Avenue", "Close", "Drive", "Way", "Gardens", "Crescent", "Court", "Terrace", "Grove"];

    /// <summary>Every invented street name: stem × kind.</summary>
    public static readonly string[] Streets =
        [.. StreetStems.SelectMany(stem => StreetKinds.Select(kind => stem + " " + kind))];

    /// <summary>A city, its postcode area and its dialling code; population weight for sampling.</summary>
    public sealed record City(string Name, string PostcodeArea, string DiallingCode, int Weight);

    public static readonly City[] Cities =
    [
        new("London", "E", "020", 30), new("Birmingham", "B", "0121", 9), new("Manchester", "M", "0161", 8),
        new("Leeds", "LS", "0113", 7), new("Glasgow", "G", "0141", 6), new("Liverpool", "L", "0151", 5),
        new("Bristol", "BS", "0117", 5), new("Sheffield", "S", "0114", 5), new("Edinburgh", "EH", "0131", 5),
        new("Cardiff", "CF", "029", 4), new("Leicester", "LE", "0116", 4), new("Nottingham", "NG", "0115", 4),
        new("Newcastle upon Tyne", "NE", "0191", 4), new("Southampton", "SO", "023", 3), new("Brighton", "BN", "01273", 3),
        new("Belfast", "BT", "028", 3), new("Norwich", "NR", "01603", 2), new("York", "YO", "01904", 2),
        new("Oxford", "OX", "01865", 2), new("Cambridge", "CB", "01223", 2), new("Exeter", "EX", "01392", 2),
        new("Aberdeen", "AB", "01224", 2), new("Plymouth", "PL", "01752", 2), new("Swansea", "SA", "01792", 2),
    ];

    /// <summary>Consumer mail providers with their share of consumers (percent).</summary>
    public static readonly (string Domain, int Weight)[] ConsumerDomains =
    [
        ("gmail.com", 38), ("hotmail.co.uk", 12), ("outlook.com", 10), ("yahoo.co.uk", 9), ("icloud.com", 10),
        ("btinternet.com", 7), ("hotmail.com", 5), ("sky.com", 4), ("live.co.uk", 3), ("proton.me", 2),
    ];

    /// <summary>The typos people make in a provider's name at a till or on a form.</summary>
    public static readonly Dictionary<string, string[]> DomainTypos = new(StringComparer.Ordinal)
    {
        ["gmail.com"] = ["gmial.com", "gmail.co", "gmai.com", "gnail.com"],
        ["hotmail.co.uk"] = ["hotmial.co.uk", "hotmail.co", "hotmail.uk"],
        ["outlook.com"] = ["outlok.com", "outlook.co"],
        ["yahoo.co.uk"] = ["yaho.co.uk", "yahoo.co"],
        ["icloud.com"] = ["icoud.com", "icloud.co"],
        ["btinternet.com"] = ["btinternet.co", "btinterent.com"],
        ["hotmail.com"] = ["hotmial.com", "hotmal.com"],
        ["sky.com"] = ["sky.co"],
        ["live.co.uk"] = ["live.co"],
        ["proton.me"] = ["protonn.me"],
    };

    static readonly string[] CompanyStems =
    [
        "Ashby", "Brackley", "Calloway", "Dunmore", "Eastfield", "Fairhaven", "Glenrock", "Hartwell", "Ingleby",
        "Juniper", "Kingsmere", "Larchwood", "Milbrook", "Northcote", "Oakhurst", "Pennant", "Quayside", "Redmarsh",
        "Stonebridge", "Thornbury", "Upwood", "Valecrest", "Westbury", "Yarrow", "Amberline", "Bluecoat",
        "Copperfield", "Drummond", "Elderberry", "Flintlock",
    ];

    public static readonly (string Word, string Industry)[] CompanyKinds =
    [
        ("Engineering", "engineering"), ("Logistics", "logistics"), ("Dental Care", "healthcare"),
        ("Architects", "professional services"), ("Catering", "hospitality"), ("Lettings", "real estate"),
        ("Accountancy", "professional services"), ("Joinery", "construction"), ("Nurseries", "education"),
        ("Print Studio", "media"), ("Veterinary Group", "healthcare"), ("Coffee Roasters", "hospitality"),
        ("Software", "technology"), ("Cleaning Services", "facilities"), ("Builders", "construction"),
    ];

    public static readonly string[] CompanySuffixes = ["Ltd", "Ltd", "LLP", "Group", "& Co"];

    /// <summary>A company's name and its web domain, from its index: distinct for the first 450.</summary>
    public static (string Name, string Domain, string Industry) Company(int index)
    {
        var stem = CompanyStems[index % CompanyStems.Length];
        var (word, industry) = CompanyKinds[index / CompanyStems.Length % CompanyKinds.Length];
        var suffix = CompanySuffixes[index % CompanySuffixes.Length];
        var round = index / (CompanyStems.Length * CompanyKinds.Length);
        var slug = (stem + word).Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant() + (round > 0 ? round.ToString(System.Globalization.CultureInfo.InvariantCulture) : "");
        return ($"{stem} {word}{(round > 0 ? " " + (round + 1) : "")} {suffix}", slug + (index % 3 == 0 ? ".com" : ".co.uk"), industry);
    }

    /// <summary>Sponsoring brands of the retail media network (all invented).</summary>
    public static readonly string[] Brands =
    [
        "Oakvale Pantry", "Silverbirch Home", "Meadowlark Dairy", "Tidewater Coffee", "Copperleaf Kitchen",
        "Fernbrook Baby", "Pebblestone Pets", "Lumen & Lark", "Northquill Electronics", "Greycliff Garden",
        "Wrenfield Bakery", "Juniper Row Toys", "Saltmarsh Snacks", "Brambleway Beauty", "Harbourlight Drinks",
    ];

    /// <summary>A product category, its price range in pounds, and the brands that make it.</summary>
    public sealed record Category(string Name, string Slug, decimal MinPrice, decimal MaxPrice, string[] Nouns, int[] BrandIndexes);

    public static readonly Category[] Categories =
    [
        new("Food Cupboard", "food-cupboard", 0.85m, 6.50m, ["Pasta", "Granola", "Olive Oil", "Chopped Tomatoes", "Basmati Rice", "Peanut Butter", "Honey"], [0, 12]),
        new("Dairy & Eggs", "dairy-eggs", 0.75m, 5.00m, ["Whole Milk", "Greek Yoghurt", "Mature Cheddar", "Free Range Eggs", "Salted Butter"], [2]),
        new("Bakery", "bakery", 0.90m, 4.50m, ["Sourdough Loaf", "Croissants", "Seeded Bread", "Bagels"], [10]),
        new("Drinks", "drinks", 1.00m, 12.00m, ["Ground Coffee", "Coffee Beans", "Sparkling Water", "Orange Juice", "Green Tea"], [3, 14]),
        new("Snacks", "snacks", 0.80m, 4.00m, ["Sea Salt Crisps", "Dark Chocolate", "Oat Bars", "Mixed Nuts"], [12, 0]),
        new("Baby", "baby", 2.50m, 24.00m, ["Nappies", "Baby Wipes", "Baby Lotion", "Weaning Spoons"], [5]),
        new("Pets", "pets", 1.50m, 35.00m, ["Dry Dog Food", "Cat Litter", "Chew Toys", "Cat Pouches"], [6]),
        new("Beauty", "beauty", 2.00m, 30.00m, ["Face Serum", "Shampoo", "Hand Cream", "Body Wash", "Lip Balm"], [7, 13]),
        new("Home", "home", 3.00m, 60.00m, ["Bath Towels", "Scented Candle", "Cushion Cover", "Storage Baskets", "Bed Linen Set"], [1]),
        new("Kitchen", "kitchen", 4.00m, 90.00m, ["Frying Pan", "Chef's Knife", "Mixing Bowls", "Kettle", "Toaster"], [4]),
        new("Garden", "garden", 2.50m, 80.00m, ["Compost", "Bird Feeder", "Garden Gloves", "Hose Reel", "Seed Collection"], [9]),
        new("Electronics", "electronics", 8.00m, 150.00m, ["Wireless Earbuds", "Phone Charger", "Smart Plug", "Bluetooth Speaker"], [8]),
        new("Toys", "toys", 4.00m, 45.00m, ["Building Blocks", "Jigsaw Puzzle", "Board Game", "Plush Fox"], [11]),
    ];

    public static readonly string[] Placements = ["search_top", "homepage_hero", "category_grid", "product_carousel", "checkout_upsell"];
    public static readonly string[] SocialPlatforms = ["instagram", "facebook", "tiktok", "pinterest", "youtube"];
    public static readonly string[] SocialCampaigns = ["spring_refresh", "back_to_school", "summer_bbq", "black_friday", "new_year_reset", "loyalty_double_points"];
    public static readonly string[] CallCampaigns = ["winback", "loyalty_upgrade", "service_follow_up", "business_accounts", "missed_delivery"];

    /// <summary>Call outcomes with their share (percent).</summary>
    public static readonly (string Outcome, int Weight)[] CallOutcomes =
    [
        ("resolved", 24), ("sale", 12), ("callback_requested", 14), ("not_interested", 18), ("no_answer", 20),
        ("voicemail", 8), ("do_not_call", 4),
    ];

    public static readonly string[] PaymentMethods = ["card", "card", "card", "apple_pay", "google_pay", "paypal", "gift_card"];
    public static readonly string[] Tiers = ["bronze", "silver", "gold", "platinum"];

    public static readonly string[] UserAgents =
    [
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
        "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:126.0) Gecko/20100101 Firefox/126.0",
    ];

    public static readonly string[] StoreNames =
        [.. Cities.Select(c => c.Name.Split(' ')[0] + " " + (c.Weight > 5 ? "Central" : "High Street"))];
}
