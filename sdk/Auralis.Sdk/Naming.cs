namespace Auralis.Sdk;

/// <summary>The naming rules shared by ids, ports and parameters; kept in one place so every check agrees.</summary>
internal static class Naming
{
    /// <summary>A token: starts with a lower-case letter; then lower-case letters, digits, '_' or '-'; at most 64 characters.</summary>
    public static bool IsToken(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > 64 || !char.IsAsciiLetterLower(text[0]))
        {
            return false;
        }
        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_' || c == '-'))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>A reverse-DNS plugin id: two or more dot-separated tokens, at most 128 characters.</summary>
    public static bool IsPluginId(string? text) =>
        !string.IsNullOrEmpty(text) && text.Length <= 128 && text.Split('.') is { Length: >= 2 } parts && parts.All(IsToken);

    public static void RequireToken(string? text, string paramName, string what)
    {
        if (!IsToken(text))
        {
            throw new ArgumentException(
                $"{what} '{text}' is not valid: use a lower-case letter first, then lower-case letters, digits, '_' or '-' (at most 64)",
                paramName);
        }
    }
}
