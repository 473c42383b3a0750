using System.Globalization;

namespace Auralis.Sdk;

/// <summary>A semantic version: major.minor.patch, each a non-negative integer.</summary>
/// <remarks>Thread: any. Immutable.</remarks>
public readonly struct SemanticVersion : IEquatable<SemanticVersion>, IComparable<SemanticVersion>
{
    /// <summary>Creates a version from its three parts.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A part is negative.</exception>
    public SemanticVersion(int major, int minor, int patch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(major);
        ArgumentOutOfRangeException.ThrowIfNegative(minor);
        ArgumentOutOfRangeException.ThrowIfNegative(patch);
        Major = major;
        Minor = minor;
        Patch = patch;
    }

    /// <summary>Incompatible changes raise the major part.</summary>
    public int Major { get; }

    /// <summary>Backward-compatible additions raise the minor part.</summary>
    public int Minor { get; }

    /// <summary>Fixes that change no contract raise the patch part.</summary>
    public int Patch { get; }

    /// <summary>Parses <c>major.minor.patch</c>; nothing else is accepted (no prefix, suffix or missing parts).</summary>
    /// <exception cref="FormatException">The text is not a version of that form.</exception>
    public static SemanticVersion Parse(string text)
    {
        if (!TryParse(text, out var version))
        {
            throw new FormatException($"'{text}' is not a version of the form major.minor.patch");
        }
        return version;
    }

    /// <summary>Parses <c>major.minor.patch</c> without throwing.</summary>
    public static bool TryParse(string? text, out SemanticVersion version)
    {
        version = default;
        if (string.IsNullOrEmpty(text) || text.Length > 32)
        {
            return false;
        }
        var parts = text.Split('.');
        if (parts.Length != 3)
        {
            return false;
        }
        var numbers = new int[3];
        for (var i = 0; i < 3; i++)
        {
            var part = parts[i];
            if (part.Length == 0 || (part.Length > 1 && part[0] == '0') || !part.All(char.IsAsciiDigit)
                || !int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i]))
            {
                return false;
            }
        }
        version = new SemanticVersion(numbers[0], numbers[1], numbers[2]);
        return true;
    }

    /// <inheritdoc />
    public int CompareTo(SemanticVersion other)
    {
        var c = Major.CompareTo(other.Major);
        if (c != 0)
        {
            return c;
        }
        c = Minor.CompareTo(other.Minor);
        return c != 0 ? c : Patch.CompareTo(other.Patch);
    }

    /// <inheritdoc />
    public bool Equals(SemanticVersion other) => CompareTo(other) == 0;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is SemanticVersion other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Major, Minor, Patch);

    /// <summary>The version as <c>major.minor.patch</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}.{Patch}");

    /// <summary>Equality of all three parts.</summary>
    public static bool operator ==(SemanticVersion left, SemanticVersion right) => left.Equals(right);

    /// <summary>Inequality of any part.</summary>
    public static bool operator !=(SemanticVersion left, SemanticVersion right) => !left.Equals(right);
}
