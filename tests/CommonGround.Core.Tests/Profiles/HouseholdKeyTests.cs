using CommonGround.Profiles;

namespace CommonGround.Core.Tests.Profiles;

public class HouseholdKeyTests
{
    static readonly HouseholdOptions ByAddress = new();
    static readonly HouseholdOptions BySurname = new() { IncludeSurname = true };

    [Fact]
    public void Options_default_to_address_only_in_great_britain()
    {
        Assert.False(ByAddress.IncludeSurname);
        Assert.Equal("GB", ByAddress.DefaultCountry);
        Assert.Equal("Households", HouseholdOptions.Section);
    }

    [Fact]
    public void By_default_everyone_at_one_address_is_one_household_whatever_their_surname()
    {
        var smith = HouseholdKey.Of("12 High St", "SW1A 1AA", "London", "GB", "Smith", ByAddress);
        var jones = HouseholdKey.Of("12 High Street", "sw1a1aa", "London", "UK", "Jones", ByAddress);
        var nobody = HouseholdKey.Of("12 High Street", "sw1a1aa", null, null, null, ByAddress);
        Assert.NotNull(smith);
        Assert.Equal(smith, jones);
        Assert.Equal(smith, nobody);
        Assert.Equal(PostalAddress.Normalize("12 High St", "SW1A 1AA", "London", "GB", "GB"), smith);
    }

    [Fact]
    public void With_the_surname_option_each_surname_at_an_address_is_its_own_household()
    {
        var smith = HouseholdKey.Of("12 High St", "SW1A 1AA", "London", "GB", "Smith", BySurname);
        var jones = HouseholdKey.Of("12 High St", "SW1A 1AA", "London", "GB", "Jones", BySurname);
        Assert.Equal("GB|SW1A1AA|12 high st|smith", smith);
        Assert.NotEqual(smith, jones);
    }

    [Theory]
    [InlineData("O'Brien")]
    [InlineData("OBRIEN")]
    [InlineData("o brien")]
    [InlineData(" O\u2019Brien ")]
    public void Surnames_are_compared_without_case_spaces_or_apostrophes(string lastName) =>
        Assert.Equal("GB|SW1A1AA|12 high st|obrien", HouseholdKey.Of("12 High St", "SW1A 1AA", null, null, lastName, BySurname));

    [Fact]
    public void Surnames_are_compared_without_accents() =>
        Assert.Equal(
            HouseholdKey.Of("12 High St", "SW1A 1AA", null, null, "Müller", BySurname),
            HouseholdKey.Of("12 High St", "SW1A 1AA", null, null, "MULLER", BySurname));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("n/a")]
    [InlineData("-")]
    public void With_the_surname_option_no_surname_means_no_household(string? lastName) =>
        Assert.Null(HouseholdKey.Of("12 High St", "SW1A 1AA", "London", "GB", lastName, BySurname));

    [Fact]
    public void An_unusable_address_means_no_household()
    {
        Assert.Null(HouseholdKey.Of(null, "SW1A 1AA", "London", "GB", "Smith", ByAddress));
        Assert.Null(HouseholdKey.Of("12 High St", null, null, "GB", "Smith", BySurname));
    }

    [Fact]
    public void The_default_country_comes_from_the_options()
    {
        var belgian = new HouseholdOptions { DefaultCountry = "BE" };
        Assert.StartsWith("BE|", HouseholdKey.Of("Rue Haute 1", "1000", "Bruxelles", null, null, belgian));
    }

    [Fact]
    public void Ids_are_short_url_safe_and_prefixed()
    {
        var id = HouseholdKey.IdOf("GB|SW1A1AA|12 high st");
        Assert.Matches("^h_[a-z2-7]{16}$", id);
    }

    [Fact]
    public void Ids_never_change_for_a_key() =>
        Assert.Equal("h_2ggff7gjfyslvvsx", HouseholdKey.IdOf("GB|SW1A1AA|12 high st"));

    [Fact]
    public void Different_keys_have_different_ids() =>
        Assert.NotEqual(HouseholdKey.IdOf("GB|SW1A1AA|12 high st"), HouseholdKey.IdOf("GB|SW1A1AA|14 high st"));

    [Fact]
    public void The_id_is_the_base32_of_the_first_ten_bytes_of_the_sha256_of_the_key()
    {
        var hash = System.Security.Cryptography.SHA256.HashData("GB|SW1A1AA|12 high st"u8);
        var bits = string.Concat(hash.Take(10).Select(b => Convert.ToString(b, 2).PadLeft(8, '0')));
        var expected = string.Concat(Enumerable.Range(0, 16).Select(i => "abcdefghijklmnopqrstuvwxyz234567"[Convert.ToInt32(bits.Substring(i * 5, 5), 2)]));
        Assert.Equal("h_" + expected, HouseholdKey.IdOf("GB|SW1A1AA|12 high st"));
    }
}
