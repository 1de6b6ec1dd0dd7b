package dev.voicetrack.cache.jcache.internal;

import java.lang.management.ManagementFactory;
import javax.cache.CacheException;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanRegistrationException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.NotCompliantMBeanException;
import javax.management.ObjectName;

/**
 * Registers a cache's configuration and statistics MXBeans on the platform MBean server under the
 * names the specification gives: {@code javax.cache:type=CacheStatistics|CacheConfiguration,
 * CacheManager=<uri>,Cache=<name>}, with {@code : = , \n} in the URI and name replaced by dots.
 */
final class MBeans {

    static final String STATISTICS = "CacheStatistics";
    static final String CONFIGURATION = "CacheConfiguration";

    private MBeans() {}

    static void register(Object bean, String type, String managerUri, String cacheName) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = name(type, managerUri, cacheName);
        try {
            if (!server.isRegistered(name)) {
                server.registerMBean(bean, name);
            }
        } catch (InstanceAlreadyExistsException e) {
            // registered by a concurrent call for the same cache: nothing left to do
        } catch (MBeanRegistrationException | NotCompliantMBeanException e) {
            throw new CacheException("could not register " + name + ": " + e, e);
        }
    }

    static void unregister(String type, String managerUri, String cacheName) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = name(type, managerUri, cacheName);
        try {
            server.unregisterMBean(name);
        } catch (InstanceNotFoundException e) {
            // not registered: nothing to do
        } catch (MBeanRegistrationException e) {
            throw new CacheException("could not unregister " + name + ": " + e, e);
        }
    }

    private static ObjectName name(String type, String managerUri, String cacheName) {
        String text = "javax.cache:type=" + type + ",CacheManager=" + safe(managerUri) + ",Cache=" + safe(cacheName);
        try {
            return new ObjectName(text);
        } catch (MalformedObjectNameException e) {
            throw new CacheException("illegal MBean name " + text + ": " + e, e);
        }
    }

    private static String safe(String part) {
        return part.replaceAll(":|=|\n|,", ".");
    }
}
