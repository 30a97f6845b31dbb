using CommonGround.Profiles;

namespace CommonGround.Core.Tests.Profiles;

public class PostalAddressTests
{
    static string? Key(string? line, string? postalCode = "SW1A 1AA", string? city = "London", string? country = "GB",
        string defaultCountry = "GB") => PostalAddress.Normalize(line, postalCode, city, country, defaultCountry);

    [Theory]
    [InlineData("12 High Street", "SW1A 1AA", "London", "United Kingdom")]
    [InlineData("12 High St.", "sw1a1aa", "LONDON", "UK")]
    [InlineData("12, High Street", "SW1A1AA", null, "GB")]
    [InlineData("  12  HIGH   STREET  ", " sw1a 1aa ", "Greater London", "England")]
    [InlineData("No. 12 High St", "SW1A-1AA", "london", null)]
    public void Same_address_written_differently_gives_one_key(string line, string postalCode, string? city, string? country) =>
        Assert.Equal("GB|SW1A1AA|12 high st", PostalAddress.Normalize(line, postalCode, city, country, "GB"));

    [Fact]
    public void House_numbers_are_kept() => Assert.NotEqual(Key("12 High St"), Key("14 High St"));

    [Fact]
    public void Flat_numbers_distinguish_households()
    {
        Assert.NotEqual(Key("Flat 2, 12 High St"), Key("Flat 3, 12 High St"));
        Assert.NotEqual(Key("Flat 2, 12 High St"), Key("12 High St"));
        Assert.Equal("GB|SW1A1AA|12 high st|unit 2", Key("Flat 2, 12 High St"));
    }

    [Theory]
    [InlineData("12 High Street, Flat 2")]
    [InlineData("Apartment 2, 12 High St")]
    [InlineData("Apt. #2, 12 High St")]
    [InlineData("12 High St #2")]
    [InlineData("Unit 2 12 High St")]
    [InlineData("FLAT 2 - 12 HIGH STREET")]
    public void The_unit_is_recognised_wherever_and_however_it_is_written(string line) =>
        Assert.Equal(Key("Flat 2, 12 High St"), Key(line));

    [Fact]
    public void A_letter_after_a_flat_number_belongs_to_the_flat()
    {
        Assert.Equal(Key("Flat 2B, 12 High St"), Key("flat 2 b, 12 High St"));
        Assert.NotEqual(Key("Flat 2B, 12 High St"), Key("Flat 2A, 12 High St"));
        Assert.NotEqual(Key("Flat 2B, 12 High St"), Key("Flat 2, 12 High St"));
    }

    [Fact]
    public void A_letter_after_a_house_number_is_kept_however_it_is_spaced()
    {
        Assert.Equal(Key("12a High St"), Key("12 A High Street"));
        Assert.Equal(Key("12a High St"), Key("12-A High Street"));
        Assert.NotEqual(Key("12a High St"), Key("12b High St"));
        Assert.NotEqual(Key("12a High St"), Key("12 High St"));
    }

    [Theory]
    [InlineData("Rue de l'Église 3")]
    [InlineData("RUE DE L'EGLISE 3")]
    [InlineData("Rue de l\u2019Eglise 3")]
    [InlineData("rue de l'église, 3")]
    public void Accents_and_apostrophes_do_not_matter(string line) =>
        Assert.Equal("FR|75001|rue de leglise 3", PostalAddress.Normalize(line, "75001", "Paris", "France", "GB"));

    [Theory]
    [InlineData("Hauptstraße 5")]
    [InlineData("Hauptstrasse 5")]
    [InlineData("Hauptstr. 5")]
    public void German_street_endings_are_one_word(string line) =>
        Assert.Equal("DE|10115|hauptstr 5", PostalAddress.Normalize(line, "10115", "Berlin", "Deutschland", "GB"));

    [Theory]
    [InlineData("St John's Road")]
    [InlineData("Saint Johns Rd")]
    [InlineData("st. johns road")]
    public void Saint_and_street_abbreviations_agree(string line) =>
        Assert.Equal(Key("5 St Johns Road"), Key("5 " + line));

    [Theory]
    [InlineData("Avenue", "Ave")]
    [InlineData("Lane", "Ln")]
    [InlineData("Drive", "Dr.")]
    [InlineData("Close", "Cl")]
    [InlineData("Crescent", "Cres")]
    [InlineData("Gardens", "Gdns")]
    [InlineData("Terrace", "Tce")]
    [InlineData("Court", "Ct")]
    [InlineData("Grove", "Gro")]
    [InlineData("Place", "Pl")]
    [InlineData("Square", "Sq")]
    [InlineData("Boulevard", "Blvd")]
    public void Common_street_abbreviations_are_the_same_as_the_full_word(string full, string abbreviated) =>
        Assert.Equal(Key("7 Maple " + full), Key("7 Maple " + abbreviated));

    [Fact]
    public void Directions_abbreviated_or_not_are_the_same() =>
        Assert.Equal(Key("100 N Main St", "10001", "New York", "US"), Key("100 North Main Street", "10001", "New York", "US"));

    [Theory]
    [InlineData("SW1A 1AA")]
    [InlineData("sw1a1aa")]
    [InlineData(" SW1A  1AA ")]
    [InlineData("Sw1a-1aA")]
    public void Uk_postcodes_ignore_case_and_spacing(string postalCode) =>
        Assert.Equal("GB|SW1A1AA|12 high st", Key("12 High St", postalCode));

    [Theory]
    [InlineData("94105")]
    [InlineData("94105-1234")]
    [InlineData("941051234")]
    [InlineData(" 94105 ")]
    public void Us_zip_plus_four_is_the_five_digit_zip(string zip) =>
        Assert.Equal("US|94105|1 market st", PostalAddress.Normalize("1 Market Street", zip, "San Francisco", "USA", "GB"));

    [Fact]
    public void A_us_zip_that_lost_its_leading_zero_gets_it_back() =>
        Assert.Equal(
            PostalAddress.Normalize("1 Main St", "02134", "Boston", "US", "GB"),
            PostalAddress.Normalize("1 Main St", "2134", "Boston", "US", "GB"));

    [Fact]
    public void Postal_codes_elsewhere_keep_their_leading_zeros() =>
        Assert.NotEqual(Key("1 Main St", "02134", "Boston", "FR"), Key("1 Main St", "2134", "Boston", "FR"));

    [Theory]
    [InlineData("GB")]
    [InlineData("gb")]
    [InlineData("UK")]
    [InlineData("U.K.")]
    [InlineData("United Kingdom")]
    [InlineData("great britain")]
    [InlineData("England")]
    [InlineData("Scotland")]
    [InlineData("GBR")]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Country_names_and_codes_are_one_country(string? country) =>
        Assert.Equal("GB|SW1A1AA|12 high st", Key("12 High St", country: country));

    [Theory]
    [InlineData("US")]
    [InlineData("USA")]
    [InlineData("U.S.A.")]
    [InlineData("United States")]
    [InlineData("united states of america")]
    public void Us_country_aliases_are_one_country(string country) =>
        Assert.StartsWith("US|", Key("12 High St", "10001", country: country));

    [Theory]
    [InlineData("Deutschland", "DE")]
    [InlineData("Österreich", "AT")]
    [InlineData("España", "ES")]
    [InlineData("Belgique", "BE")]
    [InlineData("The Netherlands", "NL")]
    [InlineData("Ireland", "IE")]
    public void Local_country_names_are_their_iso_code(string country, string code) =>
        Assert.StartsWith(code + "|", Key("1 Main St", "1000", country: country));

    [Fact]
    public void The_default_country_applies_only_when_none_is_written()
    {
        Assert.StartsWith("BE|", Key("1 Main St", "1000", country: null, defaultCountry: "BE"));
        Assert.StartsWith("GB|", Key("1 Main St", "1000", country: "UK", defaultCountry: "BE"));
        Assert.NotEqual(Key("1 Main St", "1000", country: null, defaultCountry: "BE"), Key("1 Main St", "1000", country: null));
    }

    [Fact]
    public void The_default_country_can_be_written_as_a_name() =>
        Assert.Equal(Key("1 Main St", country: null, defaultCountry: "United Kingdom"), Key("1 Main St", country: "GB"));

    [Fact]
    public void An_unknown_country_is_kept_as_written() =>
        Assert.Equal("NARNIA|CP1|1 lamp post ln", Key("1 Lamp Post Lane", "CP1", country: "Narnia"));

    [Fact]
    public void Without_a_postal_code_the_city_stands_in()
    {
        Assert.Equal("GB|city:london|12 high st", Key("12 High St", postalCode: null, city: "London"));
        Assert.Equal(Key("12 High St", null, "St Albans"), Key("12 High St", "", "Saint Albans"));
        Assert.NotEqual(Key("12 High St", null, "London"), Key("12 High St", null, "Leeds"));
    }

    [Fact]
    public void With_a_postal_code_the_city_is_left_out() =>
        Assert.Equal(Key("12 High St", "NE1 4ST", "Newcastle"), Key("12 High St", "NE1 4ST", "Newcastle upon Tyne"));

    [Fact]
    public void Different_postal_codes_are_different_addresses() =>
        Assert.NotEqual(Key("12 High St", "SW1A 1AA"), Key("12 High St", "SW1A 2AA"));

    [Fact]
    public void A_placeholder_postal_code_falls_back_to_the_city() =>
        Assert.Equal("GB|city:leeds|12 high st", Key("12 High St", "N/A", "Leeds"));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("n/a")]
    [InlineData("Unknown")]
    [InlineData("-")]
    [InlineData("12")]
    [InlineData("Flat 2")]
    [InlineData(",.;")]
    public void A_line_without_a_street_is_not_usable(string? line) => Assert.Null(Key(line));

    [Theory]
    [InlineData(null, null)]
    [InlineData("", "")]
    [InlineData(" ", "n/a")]
    [InlineData("-", "unknown")]
    public void An_address_without_postal_code_or_city_is_not_usable(string? postalCode, string? city) =>
        Assert.Null(Key("12 High St", postalCode, city));

    [Fact]
    public void A_house_name_without_a_number_is_a_street_line() =>
        Assert.Equal("GB|SW1A1AA|rose cottage mill ln", Key("Rose Cottage, Mill Lane"));
}
