# tweetcheck in a container, in two stages on Debian 12:
#   build:   the Debian package built from these sources (debian/, as tools/build-deb.sh does);
#   runtime: Debian 12 slim with only that package installed (apt resolves its shared libraries).
#   docker build -t tweetcheck .
#   docker run --rm -v "$PWD:/work" tweetcheck check /work/content --format markdown
FROM debian:12 AS build
COPY tools/install-deps.sh /src/tools/install-deps.sh
RUN bash /src/tools/install-deps.sh --build-only \
 && apt-get install -y -qq --no-install-recommends debhelper dpkg-dev fakeroot \
 && rm -rf /var/lib/apt/lists/*
COPY . /src
WORKDIR /src
RUN DEB_BUILD_OPTIONS="parallel=2 nocheck" dpkg-buildpackage -us -uc -b \
 && mkdir /debs && mv ../tweetcheck_*.deb /debs/

FROM debian:12-slim AS runtime
COPY --from=build /debs /debs
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends ca-certificates /debs/tweetcheck_*.deb \
 && rm -rf /var/lib/apt/lists/* /debs \
 && useradd --system --create-home tweetcheck
USER tweetcheck
WORKDIR /work
ENTRYPOINT ["tweetcheck"]
CMD ["--help"]
