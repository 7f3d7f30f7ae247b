package io.tunnelstore.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The custom condition of {@link NoStaticMutableStateTest} on fixtures: what it flags and what it lets pass. */
class StaticStateConditionTest {

    @SuppressWarnings("unused")
    static final class Constants {
        static final List<String> NAMES = List.of("a", "b");
        static final Map<String, Integer> BY_NAME = Stream.of("a", "b")
                .collect(Collectors.toUnmodifiableMap(s -> s, String::length));
        static final Set<TimeUnit> UNITS = Set.of(TimeUnit.SECONDS);
        static final String TEXT = "x";
        static final Object SENTINEL = new Object();
    }

    @SuppressWarnings("unused")
    static final class Mutable {
        static int counter;
        static volatile Runnable hook;
        static final AtomicInteger IDS = new AtomicInteger();
        static final ConcurrentHashMap<String, String> CACHE = new ConcurrentHashMap<>();
    }

    @SuppressWarnings("unused")
    static final class Registry {
        static final Map<Object, Object> BY_KEY = Collections.synchronizedMap(new WeakHashMap<>());
    }

    @SuppressWarnings("unused")
    static final class EnumSetConstant {
        static final Set<TimeUnit> UNITS = EnumSet.of(TimeUnit.SECONDS);
    }

    private static List<String> violations(Class<?>... fixtures) {
        JavaClasses classes = new ClassFileImporter().importClasses(fixtures);
        return fields().that(NoStaticMutableStateTest.areStatic()).should(NoStaticMutableStateTest.beImmutableConstants())
                .allowEmptyShould(true)
                .evaluate(classes).getFailureReport().getDetails().stream()
                .map(d -> d.substring(d.lastIndexOf('.', d.indexOf(' ', "static field ".length())) + 1,
                        d.indexOf(' ', "static field ".length())))
                .sorted().toList();
    }

    @Test
    void immutableConstantsPass() {
        assertEquals(List.of(), violations(Constants.class));
    }

    @Test
    void nonFinalAtomicAndMutableCollectionFieldsAreFlagged() {
        assertEquals(List.of("CACHE", "IDS", "counter", "hook"), violations(Mutable.class));
    }

    @Test
    void collectionsBuiltMutableInTheStaticInitializerAreFlagged() {
        assertEquals(List.of("BY_KEY"), violations(Registry.class));
        assertEquals(List.of("UNITS"), violations(EnumSetConstant.class));
    }
}
