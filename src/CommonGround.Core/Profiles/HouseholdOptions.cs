using System.ComponentModel.DataAnnotations;

namespace CommonGround.Profiles;

/// <summary>
/// How people are grouped into households; bound to the "Households" configuration section.
/// A household is everyone whose <see cref="HouseholdKey"/> is the same: the normalised postal
/// address (<see cref="PostalAddress"/>), and the surname too when <see cref="IncludeSurname"/> is on.
/// </summary>
public sealed class HouseholdOptions
{
    public const string Section = "Households";

    /// <summary>
    /// When on, people at one address form one household per surname (flat shares, houses in
    /// multiple occupation), and people without a surname belong to no household. Off by default:
    /// partners and adult children often carry other surnames.
    /// </summary>
    public bool IncludeSurname { get; set; } = false;

    /// <summary>
    /// Country (ISO 3166 alpha-2, or a name or alias <see cref="PostalAddress"/> knows) of addresses
    /// written without one.
    /// </summary>
    [Required]
    public string DefaultCountry { get; set; } = "GB";
}
