package dev.voicetrack.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Covers {@code internal.ImmutabilityCheck} through the public {@link ValueIsolation} rules. */
class ValueIsolationTest {

    public enum Metric {
        XP,
        VOICE
    }

    public record Member(long guildId, long userId, String name, int level, double ratio, boolean bot) {}

    public record Ranked(Member member, Metric metric, Instant at, UUID id, BigDecimal score) {}

    public record WithList(String name, List<String> items) {}

    public record WithMap(Map<String, Long> counts) {}

    public record WithOptional(Optional<Object> maybe) {}

    public record WithArray(int[] values) {}

    public record WithDate(Date when) {}

    public record Node(String name, List<Node> children) {}

    public record Leaf(String name, long count) {}

    public record Branch(Leaf left, Leaf right) {}

    public record Tree(Branch top, Leaf extra) {}

    public record Pair(Pair next, String name) {}

    /** Immutable in fact, but the check cannot know it. */
    public static final class Money {
        private final long cents;

        public Money(long cents) {
            this.cents = cents;
        }

        public long cents() {
            return cents;
        }
    }

    private static final ValueIsolation<Object> IMMUTABLE = ValueIsolation.immutable();

    private static void accepted(Object value) {
        assertThatCode(() -> IMMUTABLE.onWrite("k", value))
                .as("%s should be accepted", value.getClass())
                .doesNotThrowAnyException();
        assertThat(IMMUTABLE.onWrite("k", value)).isSameAs(value);
        assertThat(IMMUTABLE.onRead(value)).isSameAs(value);
    }

    private static void rejected(Object value, String path, String typeName) {
        assertThatThrownBy(() -> IMMUTABLE.onWrite("user:1:2", value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'user:1:2'")
                .hasMessageContaining(path)
                .hasMessageContaining(typeName);
    }

    @Test
    void valueTypes_areAccepted() {
        for (Object v : List.<Object>of(
                "s",
                1,
                2L,
                3.0,
                true,
                'c',
                (byte) 1,
                (short) 2,
                1.5f,
                new BigDecimal("1.5"),
                java.math.BigInteger.TEN,
                UUID.randomUUID(),
                Metric.XP,
                Instant.EPOCH,
                LocalDate.of(2024, 1, 1),
                Duration.ofSeconds(1),
                java.util.OptionalLong.of(3),
                String.class)) {
            accepted(v);
        }
    }

    @Test
    void recordsOfPrimitivesStringsAndValues_areAccepted() {
        Member m = new Member(1, 2, "ann", 3, 0.5, false);
        accepted(m);
        accepted(new Ranked(m, Metric.VOICE, Instant.EPOCH, UUID.randomUUID(), BigDecimal.ONE));
        accepted(new WithOptional(Optional.of("x")));
        accepted(new WithOptional(Optional.empty()));
        accepted(new Node("root", List.of(new Node("leaf", List.of()))));
    }

    @Test
    void unmodifiableJdkCollections_withImmutableContents_areAccepted() {
        accepted(List.of());
        accepted(List.of(1));
        accepted(List.of(1, 2, 3));
        accepted(List.of(1, 2, 3).subList(0, 2));
        accepted(Set.of());
        accepted(Set.of("a"));
        accepted(Set.of("a", "b", "c"));
        accepted(Map.of());
        accepted(Map.of("a", 1L));
        accepted(Map.of("a", 1L, "b", 2L));
        accepted(List.copyOf(new ArrayList<>(List.of("x", "y"))));
        accepted(Map.copyOf(new HashMap<>(Map.of("x", 1))));
        accepted(Stream.of(1, 2).toList());
        accepted(Stream.of(new Member(1, 2, "a", 1, 0, false)).toList());
        accepted(Optional.of(List.of("a")));
        accepted(new WithList("n", List.of("a", "b")));
        accepted(new WithMap(Map.of("xp", 10L)));
        accepted(Collections.emptyList());
    }

    @Test
    void mutableCollectionsArraysAndClasses_areRejectedNamingKeyPathAndType() {
        rejected(new ArrayList<>(List.of(1)), "value is a java.util.ArrayList", "mutable");
        rejected(new int[] {1}, "value is a [I", "mutable");
        rejected(new String[] {"a"}, "value", "[Ljava.lang.String;");
        rejected(new HashMap<>(Map.of("a", 1)), "value", "java.util.HashMap");
        rejected(new Date(), "value", "java.util.Date");
        rejected(new StringBuilder("x"), "value", "java.lang.StringBuilder");
        rejected(new Money(5), "value", Money.class.getName());
    }

    @Test
    void recordHoldingAMutableCollection_isRejectedAtThePathOfTheComponent() {
        rejected(new WithList("n", new ArrayList<>(List.of("a"))), "value.items", "java.util.ArrayList");
        rejected(new WithMap(new HashMap<>()), "value.counts", "java.util.HashMap");
        rejected(new WithArray(new int[] {1}), "value.values", "[I");
        rejected(new WithDate(new Date()), "value.when", "java.util.Date");
        rejected(new WithOptional(Optional.of(new StringBuilder())), "value.maybe.get()", "StringBuilder");
        rejected(
                new Node("root", List.of(new Node("leaf", new ArrayList<>()))),
                "value.children[0].children",
                "java.util.ArrayList");
    }

    @Test
    void immutableCollectionHoldingAMutableObject_isRejectedAtTheElement() {
        rejected(List.of("a", new StringBuilder("b")), "value[1]", "java.lang.StringBuilder");
        rejected(Map.of("a", new ArrayList<String>()), "value[a]", "java.util.ArrayList");
        rejected(Set.of(new Date(0)), "value[0]", "java.util.Date");
        rejected(Optional.of(new ArrayList<String>()), "value.get()", "java.util.ArrayList");
    }

    @Test
    void unmodifiableView_isRejectedBecauseItsBackingListCanChange() {
        List<String> backing = new ArrayList<>(List.of("a"));
        rejected(Collections.unmodifiableList(backing), "value", "Unmodifiable");
        rejected(Collections.unmodifiableMap(new HashMap<String, String>()), "value", "Unmodifiable");
    }

    @Test
    void rejectionMessage_saysHowToFixIt() {
        assertThatThrownBy(() -> IMMUTABLE.onWrite("k", new ArrayList<>()))
                .hasMessageContaining("List.copyOf")
                .hasMessageContaining("ValueIsolation.copying")
                .hasMessageContaining("trusting");
    }

    @Test
    void trusting_acceptsExactlyTheTrustedClass() {
        ValueIsolation<Object> rule = ValueIsolation.immutable().trusting(Money.class);
        Money money = new Money(5);
        assertThat(rule.onWrite("k", money)).isSameAs(money);
        assertThat(rule.onWrite("k", List.of(money))).isEqualTo(List.of(money));
        assertThatThrownBy(() -> rule.onWrite("k", new Date()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.util.Date");
        // The plain rule is unchanged by deriving a trusting one.
        assertThatThrownBy(() -> IMMUTABLE.onWrite("k", money)).isInstanceOf(IllegalArgumentException.class);
        assertThat(rule.sharesValues()).isTrue();
    }

    @Test
    void trusting_nullClass_isRejected() {
        assertThatThrownBy(() -> ValueIsolation.immutable().trusting(Money.class, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("immutableClasses");
    }

    @Test
    void copying_copiesOnWriteAndOnRead() {
        ValueIsolation<List<String>> rule = ValueIsolation.copying(ArrayList::new);
        List<String> original = new ArrayList<>(List.of("a"));
        List<String> stored = rule.onWrite("k", original);
        assertThat(stored).isEqualTo(original).isNotSameAs(original);
        original.add("changed by caller");
        assertThat(stored).containsExactly("a");

        List<String> read = rule.onRead(stored);
        assertThat(read).isEqualTo(stored).isNotSameAs(stored);
        read.add("changed by reader");
        assertThat(stored).containsExactly("a");
        assertThat(rule.sharesValues()).isFalse();
    }

    @Test
    void copying_acceptsMutableValuesAndRejectsANullCopy() {
        ValueIsolation<StringBuilder> rule = ValueIsolation.copying(sb -> new StringBuilder(sb));
        assertThat(rule.onWrite("k", new StringBuilder("x"))).hasToString("x");
        ValueIsolation<Object> broken = ValueIsolation.copying(v -> null);
        assertThatThrownBy(() -> broken.onWrite("k", "x"))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("copier");
        assertThatThrownBy(() -> ValueIsolation.copying(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("copier");
    }

    @Test
    void trusting_onACopyingRule_isRejected() {
        assertThatThrownBy(() -> ValueIsolation.<Object>copying(v -> v).trusting(Money.class))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("copying");
    }

    @Test
    void nestedFinalRecords_areClassifiedWithoutNestedMapUpdates() {
        // Classifying Tree classifies Branch and Leaf on the way; a computeIfAbsent inside a
        // computeIfAbsent on the verdict map threw "Recursive update" in the tracker's test.
        Tree tree = new Tree(new Branch(new Leaf("a", 1), new Leaf("b", 2)), new Leaf("c", 3));
        assertThat(ValueIsolation.<Tree>immutable().onWrite("tree", tree)).isSameAs(tree);
    }

    @Test
    void recordContainingItsOwnType_isCheckedByValue() {
        Pair chain = new Pair(new Pair(null, "inner"), "outer");
        assertThat(ValueIsolation.<Pair>immutable().onWrite("pair", chain)).isSameAs(chain);
    }
}
