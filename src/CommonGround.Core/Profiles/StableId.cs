using System.Security.Cryptography;
using System.Text;

namespace CommonGround.Profiles;

/// <summary>
/// Short ids derived from keys: a prefix and the lower-case base32 (RFC 4648 alphabet, no padding) of the
/// first 10 bytes of the key's SHA-256, 16 characters. 80 bits make an accidental collision negligible
/// below billions of keys; the id carries nothing of the key (no address or name in URLs or logs).
/// </summary>
static class StableId
{
    const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    public static string Of(string prefix, string key)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), hash);
        var id = new StringBuilder(prefix, prefix.Length + 16);
        // 10 bytes = 80 bits = exactly 16 groups of five bits.
        for (var bit = 0; bit < 80; bit += 5)
        {
            var i = bit / 8;
            var window = (hash[i] << 8) | hash[i + 1];
            id.Append(Alphabet[(window >> (11 - bit % 8)) & 31]);
        }
        return id.ToString();
    }
}
