namespace Tusk.Api.Validation;

/// <summary>A light check of user-written pg_hba lines, enough to catch typos before PostgreSQL refuses to reload.</summary>
public static class PgHbaRule
{
    private static readonly string[] Types = ["local", "host", "hostssl", "hostnossl", "hostgssenc", "hostnogssenc"];
    private static readonly string[] Methods = ["trust", "reject", "scram-sha-256", "md5", "password", "gss", "sspi", "ident", "peer", "ldap", "radius", "cert", "pam", "bsd"];

    public static string? Check(string line)
    {
        var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length == 0 || !Types.Contains(fields[0]))
        {
            return $"\"{line}\" does not start with a connection type; use one of {string.Join(", ", Types)}";
        }

        // local: type database user method; others: type database user address method (a mask may follow the address).
        var methodIndex = fields[0] == "local" ? 3 : 4;
        if (fields.Length <= methodIndex)
        {
            return $"\"{line}\" is incomplete; expected \"{(fields[0] == "local" ? "local DATABASE USER METHOD" : $"{fields[0]} DATABASE USER ADDRESS METHOD")}\"";
        }

        var method = Methods.Contains(fields[methodIndex]) ? fields[methodIndex] : fields.Length > methodIndex + 1 ? fields[methodIndex + 1] : fields[methodIndex];
        return Methods.Contains(method) ? null : $"\"{line}\" names no known authentication method (\"{method}\"); use one of {string.Join(", ", Methods)}";
    }
}
