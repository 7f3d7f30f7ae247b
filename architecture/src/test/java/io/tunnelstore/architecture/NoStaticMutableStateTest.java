package io.tunnelstore.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * No static mutable state in main code: everything of a node belongs to its {@code TunnelstoreServer} (server side)
 * or to an object the user creates and owns (SDK side), so several servers, workers and clients can live in one JVM
 * without seeing each other.
 *
 * <p>What counts as static mutable state, per static field of a main class:
 * <ul>
 *   <li>it is not {@code final} (whatever its type; {@code volatile} does not help);</li>
 *   <li>it is {@code final} but its declared type is mutable by nature: an atomic
 *       ({@code java.util.concurrent.atomic}), a lock, or a concrete collection or map class;</li>
 *   <li>it is {@code final}, declared as a collection or map interface, and its class's static initializer builds a
 *       mutable collection (a {@code java.util} collection constructor, {@code EnumSet}/{@code EnumMap},
 *       {@code Collections.synchronized*} or {@code newSetFromMap}). Build constants with {@code List.of},
 *       {@code Map.of}, {@code copyOf} or {@code Collectors.toUnmodifiable*} instead.</li>
 * </ul>
 * Arrays and the contents of other objects are not analysed (a lookup table such as {@code Crc8.TABLE} is
 * filled once and only read). Generated protobuf code is left out.
 */
@AnalyzeClasses(packages = "io.tunnelstore",
        importOptions = {ImportOption.DoNotIncludeTests.class, ExcludeGeneratedCode.class})
class NoStaticMutableStateTest {

    /**
     * Known exceptions, each with its owner and exit. Keep this list short and explicit: every entry is a place where
     * two users of the library in one JVM share state.
     */
    static final Set<String> ALLOWED = Set.of(
            // None today. Add "fully.qualified.Owner.FIELD" with a comment naming the owner and the way out.
    );

    @ArchTest
    static final ArchRule noStaticMutableState = fields()
            .that(areStatic())
            .and(DescribedPredicate.describe("are not known exceptions", (JavaField f) -> !ALLOWED.contains(name(f))))
            .should(beImmutableConstants())
            .because("a TunnelstoreServer (or an SDK object the user owns) owns all state of its node, so that two "
                    + "of them can run side by side in one JVM (docs/architecture.md, \"Wiring\")");

    /** Every allowed exception must still exist, so that a removed one is also removed from {@link #ALLOWED}. */
    @ArchTest
    static void everyExceptionStillExists(com.tngtech.archunit.core.domain.JavaClasses classes) {
        for (String allowed : ALLOWED) {
            int dot = allowed.lastIndexOf('.');
            String owner = allowed.substring(0, dot);
            String field = allowed.substring(dot + 1);
            boolean present = classes.contain(owner) && classes.get(owner).tryGetField(field).isPresent();
            if (!present) {
                throw new AssertionError("NoStaticMutableStateTest.ALLOWED names " + allowed
                        + ", which no longer exists: remove it from the list");
            }
        }
    }

    private static String name(JavaField f) {
        return f.getOwner().getName() + "." + f.getName();
    }

    static DescribedPredicate<JavaField> areStatic() {
        return DescribedPredicate.describe("are static (not synthetic)",
                f -> f.getModifiers().contains(JavaModifier.STATIC) && !f.getModifiers().contains(JavaModifier.SYNTHETIC)
                        && !f.getName().startsWith("$"));
    }

    static ArchCondition<JavaField> beImmutableConstants() {
        return new ArchCondition<>("be final and not of a mutable collection, map, atomic or lock type") {
            @Override
            public void check(JavaField field, ConditionEvents events) {
                String problem = problem(field);
                if (problem != null) {
                    events.add(SimpleConditionEvent.violated(field,
                            "static field " + name(field) + " " + problem + " in " + field.getOwner().getSource()
                                    .map(s -> s.getFileName().orElse("?")).orElse("?")));
                }
            }
        };
    }

    private static String problem(JavaField field) {
        if (!field.getModifiers().contains(JavaModifier.FINAL)) {
            return "is not final";
        }
        JavaClass type = field.getRawType();
        if (type.getPackageName().equals("java.util.concurrent.atomic")
                || type.isAssignableTo(java.util.concurrent.locks.Lock.class)
                || type.isAssignableTo(java.util.concurrent.locks.ReadWriteLock.class)) {
            return "is an atomic or a lock (" + type.getSimpleName() + ")";
        }
        boolean collection = type.isAssignableTo(Collection.class) || type.isAssignableTo(Map.class);
        if (!collection) {
            return null;
        }
        if (!type.isInterface()) {
            return "is a mutable " + type.getSimpleName();
        }
        return field.getOwner().getStaticInitializer()
                .map(NoStaticMutableStateTest::mutableCollectionBuiltIn)
                .map(what -> "is a " + type.getSimpleName() + " and the static initializer builds " + what)
                .orElse(null);
    }

    /** The first mutable collection the code unit creates, or {@code null}. */
    private static String mutableCollectionBuiltIn(JavaCodeUnit initializer) {
        for (var call : initializer.getConstructorCallsFromSelf()) {
            JavaClass created = call.getTargetOwner();
            if (created.getPackageName().startsWith("java.util")
                    && (created.isAssignableTo(Collection.class) || created.isAssignableTo(Map.class))) {
                return "a " + created.getSimpleName();
            }
        }
        for (JavaMethodCall call : initializer.getMethodCallsFromSelf()) {
            String owner = call.getTargetOwner().getName();
            String method = call.getName();
            if (owner.equals("java.util.EnumSet") || owner.equals("java.util.EnumMap")
                    || (owner.equals("java.util.Collections")
                            && (method.startsWith("synchronized") || method.equals("newSetFromMap")))) {
                return "a mutable collection (" + call.getTargetOwner().getSimpleName() + "." + method + ")";
            }
        }
        return null;
    }
}
