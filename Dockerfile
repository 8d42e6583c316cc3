# syntax=docker/dockerfile:1
# ringcache image for users with a Docker engine: docker build -t ringcache:0.1.0-SNAPSHOT .
# The same layout as the Jib image (deploy/pom.xml, profile 'image'): the classpath in /app/jib-classpath-file,
# the JVM flags of jvm.properties in /app/jvm.args (JDK_JAVA_OPTIONS=@/app/jvm.args adds them to every java),
# so the Kubernetes manifests and render.yaml run either image unchanged.
# The runtime stage is a JDK, not a JRE: Chronicle Map compiles code at run time (jdk.compiler).

FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
# The store node's runtime classpath (it includes the placement driver and ringctl), then the two /app files.
RUN ./mvnw -B -q -DskipTests -pl deploy -am package \
 && ./mvnw -B -q -o -pl deploy dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=/out/app/libs \
 && ls /out/app/libs/*.jar | sed 's#^/out/app/libs#/app/libs#' | paste -sd: - > /out/app/jib-classpath-file \
 && bin/jvm-flags > /out/app/jvm.args \
 && echo io.ringcache.node.app.StoreNodeMain > /out/app/jib-main-class-file

FROM eclipse-temurin:17-jdk
RUN groupadd --gid 10001 ringcache \
 && useradd --uid 10001 --gid 10001 --home-dir /data --no-create-home --shell /usr/sbin/nologin ringcache \
 && mkdir -p /data && chown 10001:10001 /data
COPY --from=build /out/app/ /app/
ENV JDK_JAVA_OPTIONS=@/app/jvm.args
USER 10001:10001
WORKDIR /data
# store: HTTP 8080, gRPC 9000, Raft 11000; placement driver: gRPC 9090, Raft 7000, HTTP 9190
EXPOSE 8080 9000 11000 9090 7000 9190
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=50.0", "-XX:+ExitOnOutOfMemoryError", "-cp", "@/app/jib-classpath-file", "io.ringcache.node.app.StoreNodeMain"]
