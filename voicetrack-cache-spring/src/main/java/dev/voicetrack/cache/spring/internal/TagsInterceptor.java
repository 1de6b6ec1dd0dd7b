package dev.voicetrack.cache.spring.internal;

import dev.voicetrack.cache.spring.CacheTags;
import dev.voicetrack.cache.spring.EvictTags;
import dev.voicetrack.cache.spring.VoiceTrackCacheManager;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.expression.Expression;
import org.springframework.expression.spel.standard.SpelExpressionParser;

/**
 * Runs around methods with {@link CacheTags} or {@link EvictTags}, outside Spring's cache
 * interceptor: evaluates the tag expressions over the arguments, makes the tags current for the
 * cache writes inside the call, and after a normal return removes the entries of the evicted tags.
 */
final class TagsInterceptor implements MethodInterceptor {

    private final SpelExpressionParser parser = new SpelExpressionParser();
    private final ParameterNameDiscoverer names = new DefaultParameterNameDiscoverer();
    private final Map<String, Expression> expressions = new ConcurrentHashMap<>();
    private final Supplier<VoiceTrackCacheManager> manager;

    TagsInterceptor(Supplier<VoiceTrackCacheManager> manager) {
        this.manager = manager;
    }

    @Override
    public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
        Method method = invocation.getMethod();
        Object target = invocation.getThis();
        Method specific = target == null ? method : AopUtils.getMostSpecificMethod(method, target.getClass());
        CacheTags tags = AnnotatedElementUtils.findMergedAnnotation(specific, CacheTags.class);
        EvictTags evict = AnnotatedElementUtils.findMergedAnnotation(specific, EvictTags.class);
        Object result;
        if (tags != null) {
            TagContext.push(evaluate(tags.value(), specific, invocation.getArguments()));
            try {
                result = invocation.proceed();
            } finally {
                TagContext.pop();
            }
        } else {
            result = invocation.proceed();
        }
        if (evict != null) {
            evict(evict, evaluate(evict.value(), specific, invocation.getArguments()));
        }
        return result;
    }

    private void evict(EvictTags evict, Set<String> tags) {
        VoiceTrackCacheManager cacheManager = manager.get();
        var caches = cacheManager.voiceTrackCaches();
        Iterable<String> targets = evict.cacheNames().length == 0 ? caches.keySet() : Arrays.asList(evict.cacheNames());
        for (String name : targets) {
            org.springframework.cache.Cache cache = cacheManager.getCache(name);
            if (cache instanceof SpringCache spring) {
                spring.getNativeCache().invalidateByTags(tags);
            }
        }
    }

    private Set<String> evaluate(String[] sources, Method method, Object[] args) {
        var context = new MethodBasedEvaluationContext(null, method, args, names);
        Set<String> tags = new LinkedHashSet<>();
        for (String source : sources) {
            Object tag =
                    expressions.computeIfAbsent(source, parser::parseExpression).getValue(context);
            if (tag == null) {
                throw new IllegalArgumentException(
                        "tag expression '" + source + "' on " + method + " gave null; a tag must not be null");
            }
            tags.add(tag.toString());
        }
        return Set.copyOf(tags);
    }
}
