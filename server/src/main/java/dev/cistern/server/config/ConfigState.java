package dev.cistern.server.config;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Everything the config service persists, as one immutable value: a change builds a new state, which is
 * written durably before it replaces the old one in memory, so a failed write or a refused request
 * leaves both disk and memory as they were.
 *
 * @param format file format version, bumped on incompatible changes
 */
public record ConfigState(int format, List<User> users, List<ApiToken> tokens) {
    public static final int FORMAT = 1;
    public static final ConfigState EMPTY = new ConfigState(FORMAT, List.of(), List.of());

    public ConfigState {
        users = users == null ? List.of() : List.copyOf(users);
        tokens = tokens == null ? List.of() : List.copyOf(tokens);
    }

    public Map<String, User> usersByName() {
        return users.stream().collect(Collectors.toMap(User::name, u -> u));
    }

    ConfigState withUsers(UnaryOperator<List<User>> change) {
        return new ConfigState(format, change.apply(users), tokens);
    }

    ConfigState withTokens(UnaryOperator<List<ApiToken>> change) {
        return new ConfigState(format, users, change.apply(tokens));
    }
}
